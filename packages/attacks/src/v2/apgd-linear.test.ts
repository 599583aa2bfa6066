import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../test/fixtures';
import { linearClassifier, refInput } from '../../test/reference-classifier';
import { ApgdAttack } from './apgd';

/**
 * A two-class linear model: the CE loss of label 0 grows with (W1 − W0)·x alone, so its maximum over
 * the L∞ ball ∩ [0, 1] is the corner x_j + eps·sign(d_j) clipped into the box, and over a small L2
 * ball inside the box it is x + eps·d/‖d‖ — both in closed form. The bias keeps class 0 predicted
 * everywhere in the ball, so APGD returns its best-loss point.
 */
const rand = mulberry32(11);
const D = 16;
const W0 = Array.from({ length: D }, () => rand() * 2 - 1);
const W1 = Array.from({ length: D }, () => rand() * 2 - 1);
const classifier = linearClassifier([W0, W1], [5, 0]);
const diff = W1.map((v, j) => v - W0[j]);

describe('APGD on a linear model (closed-form optimum)', () => {
  it('L∞: every coordinate ends at the clipped corner eps·sign(W1 − W0)', async () => {
    const x = refInput([3, D], rand);
    const eps = 0.1;
    const result = await new ApgdAttack({ steps: 20, seed: 1 }).run(classifier, x, [0, 0, 0], {
      epsilons: [eps],
    });
    const adv = result.results[0].adversarial.data;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < D; j++) {
        const xj = x.data[i * D + j];
        const optimum = Math.min(Math.max(xj + eps * Math.sign(diff[j]), 0), 1);
        expect(adv[i * D + j]).toBeCloseTo(optimum, 5);
      }
    }
    expect(result.results[0].robustAccuracy).toBe(1);
  });

  it('L2: the point is x + eps·d/‖d‖ when the ball lies inside the bounds', async () => {
    const x = refInput([2, D], rand, 0.3, 0.7);
    const eps = 0.2;
    const result = await new ApgdAttack({ norm: 'l2', steps: 50, seed: 2 }).run(classifier, x, [0, 0], {
      epsilons: [eps],
    });
    const adv = result.results[0].adversarial.data;
    const norm = Math.hypot(...diff);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < D; j++) {
        expect(adv[i * D + j]).toBeCloseTo(x.data[i * D + j] + (eps * diff[j]) / norm, 3);
      }
    }
  });
});
