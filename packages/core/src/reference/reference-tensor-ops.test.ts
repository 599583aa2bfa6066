import { describe, expect, it } from 'vitest';
import { AnlError } from '../errors';
import { referenceOps as ops, ReferenceTensorOps } from './reference-tensor-ops';

const values = (t: { data: Float32Array }) => Array.from(t.data);

describe('ReferenceTensorOps by hand', () => {
  const a = ops.fromArray([1, -2, 0, 4], [2, 2]);
  const b = ops.fromArray([0.5, 3, -1, 0], [2, 2]);

  it('element-wise ops', () => {
    expect(values(ops.add(a, b))).toEqual([1.5, 1, -1, 4]);
    expect(values(ops.sub(a, b))).toEqual([0.5, -5, 1, 4]);
    expect(values(ops.mul(a, b))).toEqual([0.5, -6, -0, 0]);
    expect(values(ops.scale(a, -0.5))).toEqual([-0.5, 1, -0, -2]);
    expect(values(ops.scaleByScalar(a, ops.fromArray([2], [])))).toEqual([2, -4, 0, 8]);
    expect(values(ops.sign(ops.fromArray([-3, -0, 0, 7e-30], [4])))).toEqual([-1, 0, 0, 1]);
    expect(Object.is(ops.sign(ops.fromArray([-0], [1])).data[0], 0)).toBe(true);
    expect(values(ops.abs(a))).toEqual([1, 2, 0, 4]);
    expect(values(ops.clip(a, -1, 2))).toEqual([1, -1, 0, 2]);
    // 1/4 = 0.25, 1/-2 = -0.5, and 0 maps to 0 instead of Infinity.
    expect(values(ops.safeReciprocal(a))).toEqual([1, -0.5, 0, 0.25]);
  });

  it('per-sample ops: row i scaled by v[i]; max |.| and L2 norm per row', () => {
    expect(values(ops.mulPerSample(a, ops.fromArray([10, -1], [2])))).toEqual([10, -20, -0, -4]);
    expect(values(ops.maxAbsPerSample(a))).toEqual([2, 4]);
    // rows [3, 4] and [0, 0]: norms 5 and 0.
    expect(values(ops.l2NormPerSample(ops.fromArray([3, 4, 0, 0], [2, 2])))).toEqual([5, 0]);
    // A rank-1 tensor is B samples of one element.
    expect(values(ops.maxAbsPerSample(ops.fromArray([-3, 2], [2])))).toEqual([3, 2]);
  });

  it('mean and population std: [1, 2, 3, 4] -> 2.5 and sqrt(1.25)', () => {
    const t = ops.fromArray([1, 2, 3, 4], [2, 2]);
    expect(values(ops.mean(t))).toEqual([2.5]);
    expect(ops.std(t).data[0]).toBeCloseTo(Math.sqrt(1.25), 6);
    expect(ops.shape(ops.std(t))).toEqual([]);
  });

  it('std is computed in float64: 1e4 + [0, 1] has std exactly 0.5', () => {
    // In float32 the naive E[x^2] - E[x]^2 would lose all digits here.
    expect(ops.std(ops.fromArray([10000, 10001], [2])).data[0]).toBe(0.5);
  });

  it('gatherRows and scatterRows copy rows by host indices', () => {
    const table = ops.fromArray([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(values(ops.gatherRows(table, Int32Array.of(2, 0, 2)))).toEqual([5, 6, 1, 2, 5, 6]);
    const src = ops.fromArray([9, 9, 7, 7], [2, 2]);
    expect(values(ops.scatterRows(table, Int32Array.of(0, 0), src, Int32Array.of(0, 1)))).toEqual([
      7, 7, 3, 4, 5, 6,
    ]);
    expect(values(table)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('randomNormal / randomUniform are reproducible from the seed', () => {
    expect(values(ops.randomNormal([5], 1, 2, 9))).toEqual(values(ops.randomNormal([5], 1, 2, 9)));
    expect(values(ops.randomNormal([5], 1, 2, 9))).not.toEqual(values(ops.randomNormal([5], 1, 2, 10)));
    const u = ops.randomUniform([1000], 2, 3, 4);
    expect(u.data.every((x) => x >= 2 && x < 3)).toBe(true);
  });

  it('bad arguments: AnlError naming the argument', () => {
    const v = ops.fromArray([1, 2], [2]);
    expect(() => ops.add(a, v)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 'b' }));
    expect(() => ops.add(a, v)).toThrow('b must have shape [2, 2], got [2]');
    expect(() => ops.mulPerSample(a, ops.fromArray([1, 2, 3], [3]))).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 'v' }),
    );
    expect(() => ops.scaleByScalar(a, v)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 's' }),
    );
    expect(() => ops.fromArray([1, 2, 3], [2, 2])).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 'values' }),
    );
    expect(() => ops.zeros([2, -1])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'shape' }),
    );
    expect(() => ops.gatherRows(a, Int32Array.of(2))).toThrow(
      expect.objectContaining({ argument: 'indices' }),
    );
    expect(() => ops.scale(a, Number.NaN)).toThrow(expect.objectContaining({ argument: 's' }));
    expect(() => ops.clip(a, 1, 0)).toThrow(expect.objectContaining({ argument: 'lo' }));
    expect(() => ops.randomNormal([2], 0, -1, 1)).toThrow(expect.objectContaining({ argument: 'std' }));
    expect(() => ops.randomNormal([2], 0, 1, 2 ** 32)).toThrow(expect.objectContaining({ argument: 'seed' }));
    expect(() => ops.maxAbsPerSample(ops.fromArray([1], []))).toThrow(AnlError);
  });
});

describe('ReferenceTensorOps strict memory', () => {
  it('tidy frees what it created except its result and kept tensors', () => {
    const strict = new ReferenceTensorOps({ strictMemory: true });
    const x = strict.fromArray([1, 2], [2]);
    let kept = x;
    const result = strict.tidy(() => {
      kept = strict.keep(strict.scale(x, 3));
      strict.scale(x, 4);
      return strict.add(x, x);
    });
    // x, kept and result survive; the scale-by-4 temporary is gone.
    expect(strict.numTensors).toBe(3);
    expect(values(result)).toEqual([2, 4]);
    expect(values(kept)).toEqual([3, 6]);
    strict.dispose([x, kept, result]);
    expect(strict.numTensors).toBe(0);
  });

  it('use after dispose throws; dispose twice does not', () => {
    const strict = new ReferenceTensorOps({ strictMemory: true });
    const x = strict.zeros([2]);
    strict.dispose(x);
    strict.dispose(x);
    expect(() => strict.abs(x)).toThrow('a was already disposed');
  });

  it('tidy frees its temporaries when the function throws', () => {
    const strict = new ReferenceTensorOps({ strictMemory: true });
    expect(() =>
      strict.tidy(() => {
        strict.zeros([3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(strict.numTensors).toBe(0);
  });
});
