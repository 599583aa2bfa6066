import {
  adversarialUpdate,
  INPUT_SPACE_FLAGS,
  type InputAttackOptions,
  OWN_LOSS,
  projectedAscent,
  statelessRunner,
  uniformStart,
} from './input-attack';
import type { NoiseMethodDefinition } from './method-definition';
import {
  booleanOption,
  boundsOption,
  choiceOption,
  integerOption,
  rangeOption,
} from './method-option-checks';

/** Options of PGD adversarial training, under `methodOptions['pgd-at']`. */
export interface PgdAtMethodOptions extends InputAttackOptions {
  /** Inner steps (Madry et al. on CIFAR-10 and the PNI paper: 7). */
  readonly steps: number;
  /** Step size as a fraction of eps (Madry et al. on CIFAR-10: 2/255 of 8/255 = 0.25). */
  readonly stepFactor: number;
  /** Start from a uniform point of the eps-ball (Madry et al.) instead of x. */
  readonly randomStart: boolean;
  /** Weight of the clean loss (0.5, as `pgdAdversarialTraining`; 0 trains on x' only, as Madry et al.). */
  readonly cleanWeight: number;
}

/**
 * Madry et al.'s PGD adversarial training: `steps` signed-gradient steps of stepFactor · eps on the
 * model's loss from a random start in the L∞ eps-ball, each projected back and clipped to the
 * bounds; loss cleanWeight · L(x) + (1 − cleanWeight) · L(x').
 */
export const pgdAtMethod = {
  name: 'pgd-at',
  summary: 'PGD adversarial training (Madry et al. 2018): eps is the L∞ input radius.',
  ...INPUT_SPACE_FLAGS,
  options: {
    steps: integerOption(7, 1, 'inner PGD steps'),
    stepFactor: rangeOption(0.25, 0, 10, 'step size as a fraction of eps'),
    randomStart: booleanOption(true, 'start from a uniform point of the eps-ball'),
    cleanWeight: rangeOption(0.5, 0, 1, 'weight of the clean loss'),
    bounds: boundsOption([0, 1], 'the valid input range'),
    attackMode: choiceOption('inference', ['inference', 'training'], 'mode of the attack forwards'),
  },
  createRunner: ({ options }) =>
    statelessRunner((ctx) => {
      const { ops, batch, settings, rng } = ctx;
      const start = options.randomStart
        ? uniformStart(ops, batch.x, settings.eps, options.bounds, rng.nextUint32())
        : batch.x;
      const xAdv = projectedAscent(
        ctx,
        start,
        options.steps,
        options.stepFactor * settings.eps,
        options,
        (x) => ({ inputs: [x], terms: [...OWN_LOSS], at: 0 }),
      );
      return adversarialUpdate(ctx, xAdv, options.cleanWeight);
    }),
} as const satisfies NoiseMethodDefinition<PgdAtMethodOptions>;
