import { AnlRunner } from './anl-runner';
import type { NoiseMethodDefinition } from './method-definition';

/** ANL (Algorithm 1): noise along each sample's own gradient, two rounds per batch. */
export const anlMethod = {
  name: 'anl',
  shardable: true,
  summary: 'Adversarial Noise Layer: noise along the gradient at each noise point, two passes per batch.',
  injectsNoise: true,
  needsLabels: false,
  usesStd: true,
  options: {},
  createRunner: (context) => new AnlRunner(context.noiseScale()),
} as const satisfies NoiseMethodDefinition<Record<string, never>>;
