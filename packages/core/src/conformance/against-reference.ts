import { formatShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';
import { expectClose, expectShape, maxAbs, meanAbs } from './compare';
import type { HostTensor, KitContext } from './types';

/** An op applied the same way to any implementation. */
export type OpUnderTest = <U>(ops: TensorOpsV1<U>, inputs: U[]) => U;

/** How outputs are compared: bit-equal, element-wise tolerance, or reduction tolerance. */
export type Comparison = 'exact' | 'elementwise' | 'reduction';

/**
 * Runs `op` on `inputs` with the implementation under test and with the reference, then checks
 * the output's shape and values, and that the inputs were not changed (tensors are immutable).
 * Frees what it created in the implementation under test.
 */
export async function checkAgainstReference<T>(
  ctx: KitContext<T>,
  name: string,
  inputs: readonly HostTensor[],
  op: OpUnderTest,
  comparison: Comparison,
): Promise<void> {
  const context = `inputs ${inputs.map((i) => formatShape(i.shape)).join(', ')}`;
  const want = op(
    ctx.reference,
    inputs.map((i) => ctx.reference.fromArray(i.values, i.shape)),
  );
  const created = inputs.map((i) => ctx.ops.fromArray(i.values, i.shape));
  let out: T | undefined;
  try {
    out = op(ctx.ops, created);
    expectShape(name, ctx.ops.shape(out), want.shape, context);
    const got = await ctx.ops.toArray(out);
    if (comparison === 'exact') {
      expectClose(name, want.shape, got, want.data, 0, 0, context);
    } else if (comparison === 'elementwise') {
      const rtol = ctx.elementwiseTolerance;
      expectClose(name, want.shape, got, want.data, rtol, rtol * 1e-3 * maxAbs(want.data), context);
    } else {
      // A reduction's rounding grows with the size of its inputs, not of its result (cancellation).
      const rtol = ctx.reductionTolerance;
      const scale = Math.max(...inputs.map((i) => meanAbs(i.values)), 0);
      expectClose(name, want.shape, got, want.data, rtol, rtol * scale, context);
    }
    for (let k = 0; k < inputs.length; k++) {
      const after = await ctx.ops.toArray(created[k]);
      expectClose(
        `${name} left input ${k} unchanged`,
        inputs[k].shape,
        after,
        inputs[k].values,
        0,
        0,
        context,
      );
    }
  } finally {
    ctx.ops.dispose(out === undefined ? created : [...created, out]);
  }
}
