import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceOps as ops } from '../reference/reference-tensor-ops';
import { latNoise } from './lat-noise';

describe('latNoise (Eq. 6-7)', () => {
  // prev = [[0.3, -2], [0, 5]] -> sign = [[1, -1], [0, 1]].
  const prev = ops.fromArray([0.3, -2, 0, 5], [2, 2]);

  it('eps · sign(previous gradient) by hand, negative eps flips it', () => {
    expect(Array.from(latNoise(ops, prev, 0.1, 2).data)).toEqual([0.1, -0.1, 0, 0.1].map(Math.fround));
    expect(Array.from(latNoise(ops, prev, -0.5, 2).data)).toEqual([-0.5, 0.5, -0, -0.5]);
  });

  it('equals eps · sign(g) exactly, for zeros, subnormals and huge gradients (property)', () => {
    const value = fc.oneof(
      fc.constant(0),
      fc.double({ min: -1e-38, max: 1e-38, noNaN: true }),
      fc.double({ min: -3e38, max: 3e38, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
    );
    const epsilon = fc.oneof(
      fc.double({ min: -10, max: -1e-6, noNaN: true }),
      fc.double({ min: 1e-6, max: 10, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 6, maxLength: 6 }), epsilon, (g, eps) => {
        const gData = Float32Array.from(g);
        const eta = latNoise(ops, ops.fromArray(gData, [2, 3]), eps, 2).data;
        gData.forEach((x, i) => {
          expect(eta[i] === Math.sign(x) * Math.fround(eps)).toBe(true);
        });
      }),
    );
  });

  it('another batch size takes sample i mod B_prev', () => {
    // batch 3 -> rows [0, 1, 0]; batch 1 -> row 0.
    expect(Array.from(latNoise(ops, prev, 1, 3).data)).toEqual([1, -1, 0, 1, 1, -1]);
    expect(Array.from(latNoise(ops, prev, 1, 1).data)).toEqual([1, -1]);
    expect(latNoise(ops, prev, 1, 3).shape).toEqual([3, 2]);
  });

  it('refuses batchSize 0 and non-finite eps', () => {
    expect(() => latNoise(ops, prev, 0.1, 0)).toThrow(expect.objectContaining({ argument: 'batchSize' }));
    expect(() => latNoise(ops, prev, Number.POSITIVE_INFINITY, 2)).toThrow(
      expect.objectContaining({ argument: 'eps' }),
    );
  });
});
