import type { NoiseMethodDefinition } from './method-definition';

/** The baseline: plain training, no noise (noise layers, if any, stay the identity). */
export const noneMethod = {
  name: 'none',
  shardable: true,
  summary: 'Baseline: plain training without noise.',
  injectsNoise: false,
  needsLabels: false,
  usesStd: false,
  options: {},
  createRunner: () => null,
} as const satisfies NoiseMethodDefinition<Record<string, never>>;
