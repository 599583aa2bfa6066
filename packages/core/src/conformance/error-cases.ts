import type { TensorOpsV1 } from '../tensor-ops';
import type { ConformanceCase, KitContext } from './types';

/** Throws unless `fn` throws an AnlError with `code` (matched by name and code, not instanceof). */
function expectAnlError(what: string, code: string, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    const e = error as { name?: string; code?: string };
    if (e?.name === 'AnlError' && e.code === code) return;
    throw new Error(`${what}: expected AnlError ${code}, got ${String(error)}`);
  }
  throw new Error(`${what}: expected AnlError ${code}, nothing was thrown`);
}

/**
 * Bad arguments: shapes must match exactly (no broadcasting, even where a backend could
 * broadcast), indices must be in range, and each refusal is an AnlError with its code.
 */
export function errorCases<T>(ctx: KitContext<T>): ConformanceCase[] {
  const { ops } = ctx;
  const withTensors = (fn: (m: T, v: T, s: T, row: T) => void) => async () => {
    const m = ops.zeros([2, 3]);
    const v = ops.zeros([3]);
    const s = ops.zeros([]);
    const row = ops.zeros([1, 3]);
    try {
      fn(m, v, s, row);
    } finally {
      ops.dispose([m, v, s, row]);
    }
  };
  const shapeChecks = (o: TensorOpsV1<T>) => ({
    add: (a: T, b: T) => o.add(a, b),
    sub: (a: T, b: T) => o.sub(a, b),
    mul: (a: T, b: T) => o.mul(a, b),
  });
  return [
    {
      name: 'element-wise ops refuse different shapes, broadcastable or not (SHAPE_MISMATCH)',
      run: withTensors((m, v, s, row) => {
        for (const [name, f] of Object.entries(shapeChecks(ops))) {
          expectAnlError(`${name}([2, 3], [3])`, 'SHAPE_MISMATCH', () => f(m, v));
          expectAnlError(`${name}([2, 3], [])`, 'SHAPE_MISMATCH', () => f(m, s));
          expectAnlError(`${name}([2, 3], [1, 3])`, 'SHAPE_MISMATCH', () => f(m, row));
        }
      }),
    },
    {
      name: 'scaleByScalar and mulPerSample refuse wrong shapes (SHAPE_MISMATCH)',
      run: withTensors((m, v) => {
        expectAnlError('scaleByScalar(a, s of shape [3])', 'SHAPE_MISMATCH', () => ops.scaleByScalar(m, v));
        expectAnlError('mulPerSample([2, 3], v of shape [3])', 'SHAPE_MISMATCH', () =>
          ops.mulPerSample(m, v),
        );
        expectAnlError('fromArray(3 values, [2, 2])', 'SHAPE_MISMATCH', () =>
          ops.fromArray([1, 2, 3], [2, 2]),
        );
      }),
    },
    {
      name: 'row ops refuse indices out of range; clip refuses lo > hi (INVALID_ARGUMENT)',
      run: withTensors((m, _v, _s, row) => {
        expectAnlError('gatherRows(index 2 of 2 rows)', 'INVALID_ARGUMENT', () =>
          ops.gatherRows(m, Int32Array.of(0, 2)),
        );
        expectAnlError('gatherRows(index -1)', 'INVALID_ARGUMENT', () =>
          ops.gatherRows(m, Int32Array.of(-1)),
        );
        expectAnlError('scatterRows(row 5)', 'INVALID_ARGUMENT', () =>
          ops.scatterRows(m, Int32Array.of(5), row, Int32Array.of(0)),
        );
        expectAnlError('scatterRows(srcRow 1 of 1)', 'INVALID_ARGUMENT', () =>
          ops.scatterRows(m, Int32Array.of(0), row, Int32Array.of(1)),
        );
        expectAnlError('clip(a, 1, 0)', 'INVALID_ARGUMENT', () => ops.clip(m, 1, 0));
      }),
    },
  ];
}
