import { assertFinite, assertShape, assertValidShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';

/**
 * The paper's Gaussian baseline: `eta ~ N(0, (eps/4)^2)` element-wise, optionally times s(h)
 * (`s`, shape `[]`) so the noise follows the layer's scale like ANL's. Caller owns the result.
 */
export function gaussianNoise<T>(
  ops: TensorOpsV1<T>,
  shape: readonly number[],
  eps: number,
  seed: number,
  s?: T,
): T {
  assertValidShape(shape, 'shape');
  assertFinite(eps, 'eps');
  if (s === undefined) return ops.randomNormal(shape, 0, Math.abs(eps) / 4, seed);
  assertShape(ops.shape(s), [], 's');
  return ops.tidy(() => ops.scaleByScalar(ops.randomNormal(shape, 0, Math.abs(eps) / 4, seed), s));
}
