import {
  adversarialUpdate,
  INPUT_SPACE_FLAGS,
  type InputAttackOptions,
  inputGradient,
  OWN_LOSS,
  signedStepInBall,
  statelessRunner,
  uniformStart,
} from './input-attack';
import type { NoiseMethodDefinition } from './method-definition';
import { boundsOption, choiceOption, rangeOption } from './method-option-checks';

/** Options of fast adversarial training, under `methodOptions['fast-at']`. */
export interface FastAtMethodOptions extends InputAttackOptions {
  /** The FGSM step as a multiple of eps (the paper: 1.25). */
  readonly stepFactor: number;
  /** Weight of the clean loss (the paper: 0, training on x + δ only). */
  readonly cleanWeight: number;
}

/**
 * "Fast is better than free" (Wong, Rice & Kolter 2020): δ₀ ~ U(−eps, eps), one signed step of
 * stepFactor · eps from clip(x + δ₀) on the model's loss, δ projected onto the L∞ eps-ball and x + δ
 * clipped to the bounds; one gradient per batch for the attack. Pair it with
 * `catastrophicOverfittingGuard` (@anl/attacks), the paper's early stopping.
 */
export const fastAtMethod = {
  name: 'fast-at',
  summary: 'Fast adversarial training (Wong et al. 2020): FGSM from a random start, step 1.25·eps.',
  ...INPUT_SPACE_FLAGS,
  options: {
    stepFactor: rangeOption(1.25, 0, 10, 'the FGSM step as a multiple of eps'),
    cleanWeight: rangeOption(0, 0, 1, 'weight of the clean loss'),
    bounds: boundsOption([0, 1], 'the valid input range'),
    attackMode: choiceOption('inference', ['inference', 'training'], 'mode of the attack forward'),
  },
  createRunner: ({ options }) =>
    statelessRunner((ctx) => {
      const { ops, model, batch, settings, rng } = ctx;
      const start = uniformStart(ops, batch.x, settings.eps, options.bounds, rng.nextUint32());
      let xAdv: typeof start;
      try {
        const g = inputGradient(model, [start], batch.y, batch.batchSize, OWN_LOSS, 0, options.attackMode);
        try {
          const step = options.stepFactor * settings.eps;
          xAdv = signedStepInBall(ops, batch.x, start, g, step, settings.eps, options.bounds);
        } finally {
          ops.dispose(g);
        }
      } finally {
        ops.dispose(start);
      }
      return adversarialUpdate(ctx, xAdv, options.cleanWeight);
    }),
} as const satisfies NoiseMethodDefinition<FastAtMethodOptions>;
