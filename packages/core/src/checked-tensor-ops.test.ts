import { describe, expect, it } from 'vitest';
import { CheckedTensorOps, type TensorKernelsV1 } from './checked-tensor-ops';
import { conformanceCases } from './conformance/index';
import { invalidArgument } from './errors';
import type { RefTensor } from './reference/ref-tensor';
import { ReferenceTensorOps } from './reference/reference-tensor-ops';

/** Reference kernels that record every call, to see which calls got past the checks. */
function recordingKernels(): { kernels: TensorKernelsV1<RefTensor>; calls: string[] } {
  const ref = new ReferenceTensorOps();
  const calls: string[] = [];
  const kernels = new Proxy(ref as unknown as TensorKernelsV1<RefTensor>, {
    get(target, key) {
      if (key === 'assertTensor') {
        return (t: unknown, argument: string) => {
          const r = t as RefTensor | null;
          if (!(r?.data instanceof Float32Array) || !Array.isArray(r.shape)) {
            invalidArgument(argument, 'a RefTensor', t);
          }
        };
      }
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return value.apply(target, args);
      };
    },
  });
  return { kernels, calls };
}

describe('CheckedTensorOps', () => {
  describe('over reference kernels, passes the whole conformance kit', () => {
    for (const c of conformanceCases(new CheckedTensorOps(recordingKernels().kernels))) it(c.name, c.run);
  });

  it('refuses bad arguments before any kernel computes, naming the argument', () => {
    const { kernels, calls } = recordingKernels();
    const ops = new CheckedTensorOps(kernels);
    const m = kernels.zeros([2, 3]);
    const v = kernels.zeros([3]);
    const s = kernels.zeros([]);
    const narrow = kernels.zeros([1, 2]);
    const bad: [string, string, () => unknown][] = [
      ['values', 'SHAPE_MISMATCH', () => ops.fromArray([1, 2, 3], [2, 2])],
      ['shape', 'INVALID_ARGUMENT', () => ops.zeros([2, -1])],
      ['t', 'INVALID_ARGUMENT', () => ops.shape({} as RefTensor)],
      ['b', 'SHAPE_MISMATCH', () => ops.add(m, v)],
      ['b', 'SHAPE_MISMATCH', () => ops.sub(m, s)],
      ['a', 'INVALID_ARGUMENT', () => ops.mul(null as never, m)],
      ['s', 'INVALID_ARGUMENT', () => ops.scale(m, Number.NaN)],
      ['s', 'SHAPE_MISMATCH', () => ops.scaleByScalar(m, v)],
      ['a', 'INVALID_ARGUMENT', () => ops.sign(1 as never)],
      ['a', 'INVALID_ARGUMENT', () => ops.abs('x' as never)],
      ['lo', 'INVALID_ARGUMENT', () => ops.clip(m, 1, 0)],
      ['hi', 'INVALID_ARGUMENT', () => ops.clip(m, 0, Number.NaN)],
      ['a', 'INVALID_ARGUMENT', () => ops.safeReciprocal(undefined as never)],
      ['v', 'SHAPE_MISMATCH', () => ops.mulPerSample(m, v)],
      ['a', 'SHAPE_MISMATCH', () => ops.mulPerSample(s, s)],
      ['a', 'INVALID_ARGUMENT', () => ops.mean([] as never)],
      ['a', 'INVALID_ARGUMENT', () => ops.std({ shape: [1] } as never)],
      ['a', 'SHAPE_MISMATCH', () => ops.maxAbsPerSample(s)],
      ['a', 'SHAPE_MISMATCH', () => ops.l2NormPerSample(s)],
      ['std', 'INVALID_ARGUMENT', () => ops.randomNormal([2], 0, -1, 1)],
      ['seed', 'INVALID_ARGUMENT', () => ops.randomNormal([2], 0, 1, 1.5)],
      ['mean', 'INVALID_ARGUMENT', () => ops.randomNormal([2], Number.POSITIVE_INFINITY, 1, 1)],
      ['hi', 'INVALID_ARGUMENT', () => ops.randomUniform([2], 1, 0, 1)],
      ['seed', 'INVALID_ARGUMENT', () => ops.randomUniform([2], 0, 1, -1)],
      ['indices', 'INVALID_ARGUMENT', () => ops.gatherRows(m, Int32Array.of(2))],
      ['indices', 'INVALID_ARGUMENT', () => ops.gatherRows(m, [0] as never)],
      ['table', 'SHAPE_MISMATCH', () => ops.gatherRows(s, Int32Array.of())],
      ['src', 'SHAPE_MISMATCH', () => ops.scatterRows(m, Int32Array.of(0), narrow, Int32Array.of(0))],
      ['rows', 'INVALID_ARGUMENT', () => ops.scatterRows(m, Int32Array.of(-1), m, Int32Array.of(0))],
      ['srcRows', 'INVALID_ARGUMENT', () => ops.scatterRows(m, Int32Array.of(0), m, Int32Array.of(2))],
      ['srcRows', 'INVALID_ARGUMENT', () => ops.scatterRows(m, Int32Array.of(0, 1), m, Int32Array.of(0))],
      ['t', 'INVALID_ARGUMENT', () => ops.keep(null as never)],
    ];
    const before = calls.length;
    for (const [argument, code, call] of bad) {
      expect(call, `${argument} ${code}`).toThrow(
        expect.objectContaining({ name: 'AnlError', code, argument }),
      );
    }
    // Only shape reads happened: no kernel computed anything for a refused call.
    expect(calls.slice(before).filter((name) => name !== 'shape')).toEqual([]);
  });

  it('passes good arguments through to the kernels unchanged', async () => {
    const { kernels, calls } = recordingKernels();
    const ops = new CheckedTensorOps(kernels);
    const a = ops.fromArray([1, -2, 3, -4], [2, 2]);
    const b = ops.fromArray([0.5, 0.5, 2, 2], [2, 2]);
    expect(Array.from(await ops.toArray(ops.mul(a, b)))).toEqual([0.5, -1, 6, -8]);
    expect(Array.from(await ops.toArray(ops.clip(a, -2, 2)))).toEqual([1, -2, 2, -2]);
    expect(calls).toEqual(['fromArray', 'fromArray', 'shape', 'shape', 'mul', 'toArray', 'clip', 'toArray']);
    expect(ops.name).toBe(kernels.name);
    expect(ops.specificationVersion).toBe('v1');
  });
});
