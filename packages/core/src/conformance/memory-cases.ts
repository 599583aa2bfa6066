import type { TensorOpsV1 } from '../tensor-ops';
import { expectClose } from './compare';
import type { ConformanceCase, KitContext } from './types';

async function expectValues<T>(
  ops: TensorOpsV1<T>,
  what: string,
  t: T,
  want: readonly number[],
): Promise<void> {
  expectClose(what, ops.shape(t), await ops.toArray(t), Float32Array.from(want), 0);
}

/**
 * tidy / keep / dispose semantics that hold whether or not an implementation manages memory
 * (leak-agnostic): what `tidy` returns and what was `keep`-ed stays readable, errors pass through,
 * and `dispose` accepts arrays and already-freed tensors.
 */
export function memoryCases<T>(ctx: KitContext<T>): ConformanceCase[] {
  const { ops } = ctx;
  return [
    {
      name: 'tidy returns the value of its function, tensors (alone, in arrays, in objects) readable',
      run: async () => {
        const a = ops.fromArray([1, 2, 3], [3]);
        try {
          const one = ops.tidy(() => ops.scale(ops.add(a, a), 0.5));
          await expectValues(ops, 'tidy result', one, [1, 2, 3]);
          const list = ops.tidy(() => [ops.scale(a, 2), ops.scale(a, 3)]);
          await expectValues(ops, 'tidy result [0]', list[0], [2, 4, 6]);
          await expectValues(ops, 'tidy result [1]', list[1], [3, 6, 9]);
          const record = ops.tidy(() => ({ t: ops.sub(a, a) }));
          await expectValues(ops, 'tidy result .t', record.t, [0, 0, 0]);
          if (ops.tidy(() => 42) !== 42) throw new Error('tidy(() => 42) did not return 42');
          ops.dispose([one, ...list, record.t]);
        } finally {
          ops.dispose(a);
        }
      },
    },
    {
      name: 'keep inside tidy survives; nested tidy hands results outwards',
      run: async () => {
        const a = ops.fromArray([1, -2], [2]);
        try {
          let kept: T | undefined;
          ops.tidy(() => {
            kept = ops.keep(ops.scale(a, 10));
            ops.scale(a, 5);
          });
          await expectValues(ops, 'kept tensor after tidy', kept as T, [10, -20]);
          const nested = ops.tidy(() => ops.tidy(() => ops.abs(a)));
          await expectValues(ops, 'nested tidy result', nested, [1, 2]);
          ops.dispose([kept as T, nested]);
        } finally {
          ops.dispose(a);
        }
      },
    },
    {
      name: 'tidy rethrows the error of its function',
      run: async () => {
        const boom = new Error('conformance: thrown inside tidy');
        try {
          ops.tidy(() => {
            ops.zeros([2]);
            throw boom;
          });
        } catch (error) {
          if (error !== boom) throw new Error(`tidy threw ${String(error)} instead of the function's error`);
          return;
        }
        throw new Error('tidy swallowed the error thrown by its function');
      },
    },
    {
      name: 'dispose accepts arrays and already-freed tensors',
      run: async () => {
        const a = ops.zeros([2, 2]);
        const b = ops.zeros([3]);
        ops.dispose(a);
        ops.dispose(a);
        ops.dispose([a, b]);
        ops.dispose([]);
      },
    },
    {
      name: 'fromArray / toArray / shape round-trip for ranks 0-4; zeros',
      run: async () => {
        const rng = ctx.rngFor('round-trip');
        for (const shape of [[], [1], [4], [2, 3], [1, 2, 3], [2, 1, 2, 2]]) {
          const size = shape.reduce((p, d) => p * d, 1);
          const values = Array.from({ length: size }, () => rng.normal());
          for (const input of [values, Float32Array.from(values)]) {
            const t = ops.fromArray(input, shape);
            try {
              const got = ops.shape(t);
              if (got.join(',') !== shape.join(',') || got.length !== shape.length) {
                throw new Error(
                  `shape after fromArray(values, [${shape.join(', ')}]) is [${got.join(', ')}]`,
                );
              }
              await expectValues(ops, 'fromArray then toArray', t, Array.from(Float32Array.from(values)));
            } finally {
              ops.dispose(t);
            }
          }
          const z = ops.zeros(shape);
          try {
            await expectValues(ops, 'zeros', z, new Array(size).fill(0));
          } finally {
            ops.dispose(z);
          }
        }
      },
    },
    {
      name: 'toArray returns a copy the caller may change',
      run: async () => {
        const t = ops.fromArray([1, 2], [2]);
        try {
          const first = await ops.toArray(t);
          first[0] = 99;
          await expectValues(ops, 'tensor after changing a toArray copy', t, [1, 2]);
        } finally {
          ops.dispose(t);
        }
      },
    },
  ];
}
