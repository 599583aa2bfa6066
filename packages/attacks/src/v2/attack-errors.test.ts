import { AnlError } from '@anl/core';
import { referenceOps } from '@anl/core/reference';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../test/fixtures';
import { linearClassifier, refInput } from '../../test/reference-classifier';
import { ApgdAttack } from './apgd';
import type { Attack } from './attack-run';
import { autoAttack } from './auto-attack';
import { FgsmAttack, LinfPgdAttack } from './fgsm-pgd';
import { SquareAttack } from './square';

const rand = mulberry32(41);
const W = Array.from({ length: 3 }, () => Array.from({ length: 25 }, () => rand() - 0.5));
const good = linearClassifier(W, [0, 0, 0]);
const x = refInput([2, 5, 5, 1], rand);

async function refusal(promise: Promise<unknown>): Promise<AnlError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AnlError);
    return error as AnlError;
  }
  throw new Error('expected an AnlError');
}

const attacks: Attack[] = [
  new FgsmAttack(),
  new LinfPgdAttack({ steps: 2 }),
  new ApgdAttack({ steps: 2 }),
  new SquareAttack({ queries: 2 }),
];

describe('bad input gives typed errors before anything runs', () => {
  for (const attack of attacks) {
    it(`${attack.name}`, async () => {
      for (const eps of [Number.NaN, Number.POSITIVE_INFINITY, -0.1]) {
        const e = await refusal(attack.run(good, x, [0, 1], { epsilons: [eps] }));
        expect([e.code, e.argument]).toEqual(['INVALID_ARGUMENT', 'options.epsilons[0]']);
      }
      const out = await refusal(attack.run(good, x, [0, 3], { epsilons: [0.1] }));
      expect([out.code, out.argument]).toEqual(['INVALID_LABELS', 'labels']);
      const frac = await refusal(attack.run(good, x, [0, 0.5], { epsilons: [0.1] }));
      expect(frac.code).toBe('INVALID_LABELS');
      const short = await refusal(attack.run(good, x, [0], { epsilons: [0.1] }));
      expect([short.code, short.argument]).toEqual(['SHAPE_MISMATCH', 'labels']);
      const flat = referenceOps.fromArray([0.5, 0.5], [2]);
      expect((await refusal(attack.run(good, flat, [0, 1], { epsilons: [0.1] }))).code).toBe(
        'SHAPE_MISMATCH',
      );
      const outside = referenceOps.fromArray(
        Float32Array.from({ length: 50 }, () => 1.5),
        [2, 5, 5, 1],
      );
      expect((await refusal(attack.run(good, outside, [0, 1], { epsilons: [0.1] }))).argument).toBe('x');
      const nan = linearClassifier(W, [0, 0, 0], { nan: true });
      const broken = await refusal(attack.run(nan, x, [0, 1], { epsilons: [0.1] }));
      expect([broken.code, broken.argument]).toEqual(['INVALID_ARGUMENT', 'classifier']);
      expect((await refusal(attack.run(good, x, 'guess' as never, { epsilons: [0.1] }))).argument).toBe(
        'labels',
      );
    });
  }

  it('settings are checked at construction', () => {
    expect(() => new LinfPgdAttack({ steps: 0 })).toThrow(AnlError);
    expect(() => new ApgdAttack({ loss: 'hinge' as never })).toThrow(/settings.loss/);
    expect(() => new ApgdAttack({ norm: 'l1' as never })).toThrow(/settings.norm/);
    expect(() => new SquareAttack({ queries: 1.5 })).toThrow(/settings.queries/);
    expect(() => new LinfPgdAttack({ eot: 0 })).toThrow(/settings.eot/);
  });

  it('autoAttack checks norm, eps and version', async () => {
    expect((await refusal(autoAttack(good, x, [0, 1], { norm: 'l1' as never, eps: 0.1 }))).argument).toBe(
      'options.norm',
    );
    expect((await refusal(autoAttack(good, x, [0, 1], { norm: 'linf', eps: Number.NaN }))).argument).toBe(
      'options.eps',
    );
    expect(
      (await refusal(autoAttack(good, x, [0, 1], { norm: 'linf', eps: 0.1, version: 'fast' as never })))
        .argument,
    ).toBe('options.version');
  });
});
