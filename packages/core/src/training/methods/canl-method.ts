import { CanlRunner } from './canl-runner';
import type { NoiseMethodDefinition } from './method-definition';

/** CANL (Algorithm 2): noise from a per-class cached gradient, one pass per batch. */
export const canlMethod = {
  name: 'canl',
  shardable: true,
  summary: 'Class Adversarial Noise Layer: noise from a cached gradient per class, one pass per batch.',
  injectsNoise: true,
  needsLabels: true,
  usesStd: true,
  options: {},
  createRunner: (context) =>
    new CanlRunner(context.ops, context.noiseScale(), context.common.numClasses as number),
} as const satisfies NoiseMethodDefinition<Record<string, never>>;
