import { describe, expect, it } from 'vitest';
import { referenceOps as ops } from '../reference/reference-tensor-ops';
import { createRng } from '../rng/create-rng';
import { pniNoise } from './pni-noise';

describe('pniNoise', () => {
  // w with mean 1 and population std exactly 2: values 1 ± 2 alternating.
  const n = 20_000;
  const w = ops.fromArray(
    Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 3 : -1)),
    [100, 200],
  );

  it('alpha · N(0, std(w)^2) with std of the whole tensor: std 0.25 · 2 = 0.5', () => {
    const noise = pniNoise(ops, w, 0.25, 3).data;
    let sum = 0;
    for (const x of noise) sum += x;
    const mean = sum / n;
    let sq = 0;
    for (const x of noise) sq += (x - mean) ** 2;
    const std = Math.sqrt(sq / n);
    expect(Math.abs(mean)).toBeLessThan((5 * 0.5) / Math.sqrt(n));
    expect(Math.abs(std - 0.5)).toBeLessThan((5 * 0.5) / Math.sqrt(2 * n));
  });

  it('a scalar-tensor alpha gives the same noise as the number; same seed, same noise', () => {
    const seed = createRng(1).nextUint32();
    const a = pniNoise(ops, w, 0.25, seed).data;
    expect(pniNoise(ops, w, ops.fromArray([0.25], []), seed).data).toEqual(a);
    expect(pniNoise(ops, w, 0.25, seed).data).toEqual(a);
  });

  it('refuses a non-finite alpha or a non-scalar alpha tensor', () => {
    expect(() => pniNoise(ops, w, Number.NaN, 1)).toThrow(expect.objectContaining({ argument: 'alpha' }));
    expect(() => pniNoise(ops, w, ops.zeros([2]), 1)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
  });
});
