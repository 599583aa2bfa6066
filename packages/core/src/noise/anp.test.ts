import { describe, expect, it } from 'vitest';
import { referenceOps as ops } from '../reference/reference-tensor-ops';
import { anpNoise, anpUpdate } from './anp';

describe('ANP buffers', () => {
  it('reg <- alpha·reg + g/‖g‖₂ per sample (by hand)', () => {
    // sample 0: g = [3, 4], ‖g‖ = 5 -> [0.6, 0.8]; 0.5·[1, 0] + [0.6, 0.8] = [1.1, 0.8].
    // sample 1: g = 0 adds nothing: 0.5·[2, -2] = [1, -1].
    const reg = ops.fromArray([1, 0, 2, -2], [2, 2]);
    const g = ops.fromArray([3, 4, 0, 0], [2, 2]);
    const out = anpUpdate(ops, reg, g, 0.5);
    expect(Array.from(out.data).map((x) => Number(x.toFixed(6)))).toEqual([1.1, 0.8, 1, -1]);
  });

  it('the injected noise is (eps/k)·reg', () => {
    const reg = ops.fromArray([3, -6], [2, 1]);
    expect(Array.from(anpNoise(ops, reg, 0.3, 3).data)).toEqual([0.3, -0.6].map(Math.fround));
  });

  it('refuses mismatched shapes, non-finite alpha and k < 1', () => {
    const reg = ops.zeros([2, 2]);
    expect(() => anpUpdate(ops, reg, ops.zeros([2, 3]), 0.5)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 'g' }),
    );
    expect(() => anpUpdate(ops, reg, reg, Number.NaN)).toThrow(
      expect.objectContaining({ argument: 'alpha' }),
    );
    expect(() => anpNoise(ops, reg, 0.1, 0)).toThrow(expect.objectContaining({ argument: 'passes' }));
  });
});
