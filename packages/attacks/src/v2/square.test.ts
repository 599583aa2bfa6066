import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../test/fixtures';
import { linearClassifier, refInput } from '../../test/reference-classifier';
import { margins } from './losses';
import { SquareAttack } from './square';

const rand = mulberry32(21);
const D = 8 * 8;
const W = Array.from({ length: 3 }, () => Array.from({ length: D }, () => rand() * 2 - 1));
const classifier = linearClassifier(W, [0.5, 0, -0.5]);

describe('Square attack', () => {
  for (const norm of ['linf', 'l2'] as const) {
    it(`${norm}: never raises the margin it minimises, and never asks for a gradient`, async () => {
      const x = refInput([6, 8, 8, 1], rand);
      const labels = Array.from(
        classifier.logits(x).reduce((acc, _, i, all) => {
          if (i % 3 === 0)
            acc.push(all[i] >= all[i + 1] && all[i] >= all[i + 2] ? 0 : all[i + 1] >= all[i + 2] ? 1 : 2);
          return acc;
        }, [] as number[]),
      );
      const history: Float32Array[] = [];
      const gradientCalls = { n: 0 };
      const counting = {
        ...classifier,
        gradient: (...a: Parameters<typeof classifier.gradient>) => {
          gradientCalls.n++;
          return classifier.gradient(...a);
        },
      };
      const eps = norm === 'linf' ? 0.03 : 0.3;
      const result = await new SquareAttack({
        norm,
        queries: 60,
        seed: 3,
        onQuery: (_, m) => history.push(m),
      }).run(counting, x, labels, { epsilons: [eps] });
      expect(gradientCalls.n).toBe(0);
      expect(history.length).toBeGreaterThan(10);
      for (let q = 1; q < history.length; q++) {
        for (let i = 0; i < 6; i++) expect(history[q][i]).toBeLessThanOrEqual(history[q - 1][i]);
      }
      // The margin the attack reports is the model's margin at the returned point (independent check).
      const adv = result.results[0].adversarial;
      const finalMargins = margins(classifier.logits(adv), Int32Array.from(labels), 3);
      const last = history[history.length - 1];
      for (let i = 0; i < 6; i++) {
        if (!result.results[0].success[i]) expect(finalMargins[i]).toBeCloseTo(last[i], 4);
      }
    });
  }
});
