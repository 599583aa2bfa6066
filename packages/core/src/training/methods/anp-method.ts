import { AnpRunner } from './anp-runner';
import type { NoiseMethodDefinition } from './method-definition';
import { finiteNumberOption, integerOption } from './method-option-checks';

/** Options of ANP, under `methodOptions.anp` (an epoch's `anpPhases` entry overrides both). */
export interface AnpMethodOptions {
  /** Momentum of the noise buffer (default 0.7). */
  readonly alpha: number;
  /** Forward/backward passes (and optimizer updates) per batch (default 3). */
  readonly passes: number;
}

/** ANP (the authors' code): k "free" passes per batch with a momentum noise buffer. */
export const anpMethod = {
  name: 'anp',
  shardable: true,
  summary: 'Adversarial Noise Propagation: k passes per batch, each stepping the optimizer.',
  injectsNoise: true,
  needsLabels: false,
  usesStd: false,
  options: {
    alpha: finiteNumberOption(0.7, 'momentum of the noise buffer'),
    passes: integerOption(3, 1, 'passes per batch'),
  },
  legacyOptions: { anpAlpha: 'alpha', anpPasses: 'passes' },
  createRunner: (context) => new AnpRunner(context.options.alpha, context.options.passes),
} as const satisfies NoiseMethodDefinition<AnpMethodOptions>;
