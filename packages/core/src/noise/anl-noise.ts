import { assertBatched, assertShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';
import { perSampleLinfNormalize } from './per-sample-linf-normalize';

/**
 * ANL's noise (Eq. 4): `eta = r · s(h) · g / max|g|`, with `g` of shape `[B, ...]`, `r` of shape
 * `[B]` (one magnitude per sample, from `sampleClippedGaussianR`) and `s` of shape `[]`.
 * |eta| <= |r|·s element-wise, and sign(eta) = sign(g)·sign(r). Caller owns the result.
 */
export function anlNoise<T>(ops: TensorOpsV1<T>, g: T, r: T, s: T): T {
  const gShape = ops.shape(g);
  assertBatched(gShape, 'g');
  assertShape(ops.shape(r), [gShape[0]], 'r');
  assertShape(ops.shape(s), [], 's');
  return ops.tidy(() => ops.scaleByScalar(ops.mulPerSample(perSampleLinfNormalize(ops, g), r), s));
}
