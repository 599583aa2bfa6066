import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../test/fixtures';
import { linearClassifier, refInput } from '../../test/reference-classifier';
import { ApgdAttack } from './apgd';
import type { Attack } from './attack-run';
import { FgsmAttack, L2PgdAttack, LinfPgdAttack } from './fgsm-pgd';
import { SquareAttack } from './square';

const rand = mulberry32(31);
const D = 6 * 6;
const W = Array.from({ length: 4 }, () => Array.from({ length: D }, () => rand() * 4 - 2));

const attacks: { attack: Attack; norm: 'linf' | 'l2' }[] = [
  { attack: new FgsmAttack(), norm: 'linf' },
  { attack: new LinfPgdAttack({ steps: 3 }), norm: 'linf' },
  { attack: new L2PgdAttack({ steps: 3 }), norm: 'l2' },
  { attack: new ApgdAttack({ steps: 4 }), norm: 'linf' },
  { attack: new ApgdAttack({ steps: 4, norm: 'l2', loss: 'dlr' }), norm: 'l2' },
  { attack: new ApgdAttack({ steps: 4, loss: 'dlr', targetClasses: 2 }), norm: 'linf' },
  { attack: new SquareAttack({ queries: 5 }), norm: 'linf' },
  { attack: new SquareAttack({ queries: 5, norm: 'l2' }), norm: 'l2' },
];

describe('every attack stays in the eps-ball and in the bounds (property)', () => {
  for (const { attack, norm } of attacks) {
    it(`${attack.name} (${norm})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.double({ min: 0, max: norm === 'linf' ? 0.5 : 3, noNaN: true }),
          fc.integer({ min: 0, max: 1000 }),
          fc.constantFrom<[number, number]>([0, 1], [-1, 2]),
          async (eps, seed, bounds) => {
            const r = mulberry32(seed);
            const model = { ...linearClassifier(W, [0, 0.1, -0.1, 0.2], { bounds }) };
            const x = refInput([3, 6, 6, 1], r, bounds[0], bounds[1]);
            const labels = [0, 1, 2].map((i) => (i + seed) % 4);
            const result = await attack.run(model, x, labels, { epsilons: [eps] });
            const adv = result.results[0].adversarial.data;
            for (let i = 0; i < 3; i++) {
              let l2 = 0;
              for (let j = 0; j < D; j++) {
                const k = i * D + j;
                const d = adv[k] - x.data[k];
                expect(adv[k]).toBeGreaterThanOrEqual(bounds[0]);
                expect(adv[k]).toBeLessThanOrEqual(bounds[1]);
                if (norm === 'linf') expect(Math.abs(d)).toBeLessThanOrEqual(eps * (1 + 1e-5) + 1e-6);
                l2 += d * d;
              }
              if (norm === 'l2') expect(Math.sqrt(l2)).toBeLessThanOrEqual(eps * (1 + 1e-4) + 1e-6);
            }
            expect(result.results[0].success.length).toBe(3);
          },
        ),
        { numRuns: 15, seed: 7 },
      );
    });
  }
});
