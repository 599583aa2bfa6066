import {
  adversarialUpdate,
  INPUT_SPACE_FLAGS,
  type InputAttackOptions,
  inputGradient,
  OWN_LOSS,
  signedStepInBall,
  statelessRunner,
} from './input-attack';
import type { NoiseMethodDefinition } from './method-definition';
import { boundsOption, choiceOption, rangeOption } from './method-option-checks';

/** Options of FGSM adversarial training, under `methodOptions['fgsm-at']`. */
export interface FgsmAtMethodOptions extends InputAttackOptions {
  /** Weight of the clean loss (Goodfellow et al.'s alpha = 0.5); the adversarial one gets the rest. */
  readonly cleanWeight: number;
}

/**
 * Goodfellow et al.'s adversarial training: x' = clip(x + eps · sign(∇x L(x, y))) against the current
 * weights and the true targets, loss cleanWeight · L(x) + (1 − cleanWeight) · L(x'). eps is the L∞
 * input radius.
 */
export const fgsmAtMethod = {
  name: 'fgsm-at',
  summary: 'FGSM adversarial training (Goodfellow et al. 2015): eps is the L∞ input radius.',
  ...INPUT_SPACE_FLAGS,
  options: {
    cleanWeight: rangeOption(0.5, 0, 1, 'weight of the clean loss'),
    bounds: boundsOption([0, 1], 'the valid input range'),
    attackMode: choiceOption('inference', ['inference', 'training'], 'mode of the attack forward'),
  },
  createRunner: ({ options }) =>
    statelessRunner((ctx) => {
      const { ops, model, batch, settings } = ctx;
      const g = inputGradient(model, [batch.x], batch.y, batch.batchSize, OWN_LOSS, 0, options.attackMode);
      let xAdv: typeof g;
      try {
        xAdv = signedStepInBall(ops, batch.x, batch.x, g, settings.eps, settings.eps, options.bounds);
      } finally {
        ops.dispose(g);
      }
      return adversarialUpdate(ctx, xAdv, options.cleanWeight);
    }),
} as const satisfies NoiseMethodDefinition<FgsmAtMethodOptions>;
