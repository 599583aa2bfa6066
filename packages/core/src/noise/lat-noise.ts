import { assertBatched, assertFinite, assertInteger } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';

/**
 * LAT's noise (Eq. 6-7): `eta^{b+1} = eps · sign(g^b)` from the previous batch's gradient at the
 * same layer. When this batch's size differs (a smaller last batch, or a larger one after it),
 * sample i takes the previous batch's sample `i mod B_prev`. Caller owns the result.
 */
export function latNoise<T>(ops: TensorOpsV1<T>, prevGrad: T, eps: number, batchSize: number): T {
  assertFinite(eps, 'eps');
  assertInteger(batchSize, 'batchSize', 1);
  const shape = ops.shape(prevGrad);
  assertBatched(shape, 'prevGrad');
  assertInteger(shape[0], 'prevGrad.shape[0]', 1);
  const prevBatch = shape[0];
  return ops.tidy(() => {
    if (prevBatch === batchSize) return ops.scale(ops.sign(prevGrad), eps);
    const rows = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) rows[i] = i % prevBatch;
    return ops.scale(ops.sign(ops.gatherRows(prevGrad, rows)), eps);
  });
}
