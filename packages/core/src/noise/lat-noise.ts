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
    if (prevBatch === batchSize) return epsSign(ops, prevGrad, eps);
    const rows = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) rows[i] = i % prevBatch;
    return epsSign(ops, ops.gatherRows(prevGrad, rows), eps);
  });
}

/**
 * `eps · sign(g)` exactly, as `clip(g · 2^100 · 2^100, -|eps|, |eps|)` (negated for eps < 0): every
 * nonzero float32, subnormals included (>= 2^-149), scales to at least 2^51 or overflows to ±Inf,
 * so the clip lands on ±|eps|; zero stays zero. Three cheap element-wise passes instead of `sign`,
 * which tfjs' wasm backend runs about 3x slower than a multiply.
 */
function epsSign<T>(ops: TensorOpsV1<T>, g: T, eps: number): T {
  const magnitude = Math.abs(eps);
  if (magnitude > 2 ** 51) return ops.scale(ops.sign(g), eps);
  const clipped = ops.clip(ops.scale(ops.scale(g, 2 ** 100), 2 ** 100), -magnitude, magnitude);
  return eps < 0 ? ops.scale(clipped, -1) : clipped;
}
