import { invalidArgument } from '../errors';
import { assertShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';

/**
 * PNI's noise for a weight (or activation) tensor `w`: `alpha · N(0, std(w)^2)`, with std(w) over
 * the whole tensor and treated as a constant. `alpha` is the layer-wise scale: a host number or a
 * scalar tensor (shape `[]`, e.g. a trainable variable's value). Add the result to `w`.
 */
export function pniNoise<T>(ops: TensorOpsV1<T>, w: T, alpha: number | T, seed: number): T {
  if (typeof alpha === 'number') {
    if (!Number.isFinite(alpha)) invalidArgument('alpha', 'a finite number or a scalar tensor', alpha);
  } else {
    assertShape(ops.shape(alpha), [], 'alpha');
  }
  return ops.tidy(() => {
    const unit = ops.scaleByScalar(ops.randomNormal(ops.shape(w), 0, 1, seed), ops.std(w));
    return typeof alpha === 'number' ? ops.scale(unit, alpha) : ops.scaleByScalar(unit, alpha);
  });
}
