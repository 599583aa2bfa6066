import {
  INPUT_SPACE_FLAGS,
  type InputAttackOptions,
  projectedAscent,
  statelessRunner,
  weightedUpdate,
} from './input-attack';
import type { NoiseMethodDefinition } from './method-definition';
import {
  boundsOption,
  choiceOption,
  integerOption,
  nonNegativeOption,
  rangeOption,
} from './method-option-checks';

/** Options of TRADES, under `methodOptions.trades`. */
export interface TradesMethodOptions extends InputAttackOptions {
  /** Weight of the KL term (the paper: 6 on CIFAR-10, 1 on MNIST); 0 is clean training. */
  readonly beta: number;
  /** Inner maximisation steps (the paper: 10 on CIFAR-10, 40 on MNIST). */
  readonly steps: number;
  /** Inner step size as a fraction of eps (the paper on CIFAR-10: 0.007 of 0.031, about 0.25). */
  readonly stepFactor: number;
}

/**
 * TRADES (Zhang et al. 2019): x' from x + 0.001·N(0, 1) by `steps` signed steps on
 * KL(f(x) ‖ f(x')) with f(x) held fixed, projected onto the L∞ eps-ball and clipped to the bounds;
 * then the loss L(x, y) + β · KL(f(x) ‖ f(x')), gradients through both forwards as the authors' code.
 */
export const tradesMethod = {
  name: 'trades',
  summary:
    "TRADES (Zhang et al. 2019): loss + beta·KL(f(x)‖f(x')), x' by PGD on the KL; eps is the L∞ radius.",
  ...INPUT_SPACE_FLAGS,
  options: {
    beta: nonNegativeOption(6, 'weight of the KL term'),
    steps: integerOption(10, 1, 'inner maximisation steps'),
    stepFactor: rangeOption(0.25, 0, 10, 'inner step size as a fraction of eps'),
    bounds: boundsOption([0, 1], 'the valid input range'),
    attackMode: choiceOption('inference', ['inference', 'training'], 'mode of the inner forwards'),
  },
  createRunner: ({ options }) =>
    statelessRunner((ctx) => {
      const { ops, batch, settings, rng } = ctx;
      // β = 0 is clean training: no inner maximisation, one forward.
      if (options.beta === 0)
        return weightedUpdate(ctx, [batch.x], [{ kind: 'loss', input: 0, weight: 1 }], null);
      const [lo, hi] = options.bounds;
      const start = ops.tidy(() =>
        ops.clip(ops.add(batch.x, ops.randomNormal(ops.shape(batch.x), 0, 0.001, rng.nextUint32())), lo, hi),
      );
      const xAdv = projectedAscent(
        ctx,
        start,
        options.steps,
        options.stepFactor * settings.eps,
        options,
        (x) => ({
          inputs: [batch.x, x],
          terms: [{ kind: 'kl', from: 0, to: 1, weight: 1, fixFrom: true }],
          at: 1,
        }),
      );
      return weightedUpdate(
        ctx,
        [batch.x, xAdv],
        [
          { kind: 'loss', input: 0, weight: 1 },
          { kind: 'kl', from: 0, to: 1, weight: options.beta },
        ],
        xAdv,
      );
    }),
} as const satisfies NoiseMethodDefinition<TradesMethodOptions>;
