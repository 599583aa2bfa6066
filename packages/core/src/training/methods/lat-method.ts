import { LatRunner } from './lat-runner';
import type { NoiseMethodDefinition } from './method-definition';

/** LAT (Eq. 6-7): eps · sign of the previous batch's gradient; s(h) plays no part. */
export const latMethod = {
  name: 'lat',
  shardable: true,
  summary: "Latent Adversarial Training: eps times the sign of the previous batch's gradient.",
  injectsNoise: true,
  needsLabels: false,
  usesStd: false,
  options: {},
  createRunner: (context) => new LatRunner(context.ops),
} as const satisfies NoiseMethodDefinition<Record<string, never>>;
