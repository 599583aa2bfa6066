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
