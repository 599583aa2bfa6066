import { describe, expect, it } from 'vitest';
import { referenceOps as ops } from '../reference/reference-tensor-ops';
import { gaussianNoise } from './gaussian-noise';

function moments(xs: Float32Array) {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let sq = 0;
  for (const x of xs) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / xs.length) };
}

describe('gaussianNoise', () => {
  const shape = [200, 100];
  const n = 20_000;

  for (const eps of [0.4, -0.4]) {
    it(`eps = ${eps}: N(0, (eps/4)^2) element-wise, std 0.1`, () => {
      const m = moments(gaussianNoise(ops, shape, eps, 5).data);
      expect(Math.abs(m.mean)).toBeLessThan((5 * 0.1) / Math.sqrt(n));
      expect(Math.abs(m.std - 0.1)).toBeLessThan((5 * 0.1) / Math.sqrt(2 * n));
    });
  }

  it('times s(h) when given: std (eps/4)·s', () => {
    const m = moments(gaussianNoise(ops, shape, 0.4, 6, ops.fromArray([3], [])).data);
    expect(Math.abs(m.std - 0.3)).toBeLessThan((5 * 0.3) / Math.sqrt(2 * n));
  });

  it('same seed -> same values; the shape asked for', () => {
    const a = gaussianNoise(ops, [2, 3, 4], 0.1, 17);
    expect(a.shape).toEqual([2, 3, 4]);
    expect(a.data).toEqual(gaussianNoise(ops, [2, 3, 4], 0.1, 17).data);
    expect(a.data).not.toEqual(gaussianNoise(ops, [2, 3, 4], 0.1, 18).data);
  });

  it('refuses non-finite eps and a non-scalar s', () => {
    expect(() => gaussianNoise(ops, [2], Number.NaN, 1)).toThrow(
      expect.objectContaining({ argument: 'eps' }),
    );
    expect(() => gaussianNoise(ops, [2], 0.1, 1, ops.zeros([2]))).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 's' }),
    );
  });
});
