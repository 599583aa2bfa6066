import { GaussianRunner } from './gaussian-runner';
import type { NoiseMethodDefinition } from './method-definition';
import { booleanOption } from './method-option-checks';

/** Options of the Gaussian baseline, under `methodOptions.gaussian`. */
export interface GaussianMethodOptions {
  /** Multiply the noise by s(h) (default false: N(0, (eps/4)^2) as in the paper's table). */
  readonly scaleByStd: boolean;
}

/** The Gaussian baseline: eta ~ N(0, (eps/4)^2) per element, one pass. */
export const gaussianMethod = {
  name: 'gaussian',
  shardable: true,
  summary: 'Gaussian noise N(0, (eps/4)^2) at each noise point (optionally times s(h)).',
  injectsNoise: true,
  needsLabels: false,
  usesStd: (options) => options.scaleByStd,
  options: { scaleByStd: booleanOption(false, 'multiply the noise by s(h)') },
  legacyOptions: { gaussianScaleByStd: 'scaleByStd' },
  createRunner: (context) => new GaussianRunner(context.noiseScale(), context.options.scaleByStd),
} as const satisfies NoiseMethodDefinition<GaussianMethodOptions>;
