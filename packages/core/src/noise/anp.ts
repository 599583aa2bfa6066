import { assertFinite, assertInteger, assertShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';

/**
 * ANP's buffer update after a pass: `reg <- alpha·reg + g / ‖g‖₂`, the L2 norm taken per sample
 * (a sample with zero gradient adds nothing). Caller owns the result; `reg` is not freed.
 */
export function anpUpdate<T>(ops: TensorOpsV1<T>, reg: T, g: T, alpha: number): T {
  assertFinite(alpha, 'alpha');
  assertShape(ops.shape(g), ops.shape(reg), 'g');
  return ops.tidy(() =>
    ops.add(ops.scale(reg, alpha), ops.mulPerSample(g, ops.safeReciprocal(ops.l2NormPerSample(g)))),
  );
}

/** ANP's injected noise: `(eps / k) · reg` for k passes per batch. Caller owns the result. */
export function anpNoise<T>(ops: TensorOpsV1<T>, reg: T, eps: number, passes: number): T {
  assertFinite(eps, 'eps');
  assertInteger(passes, 'passes', 1);
  return ops.scale(reg, eps / passes);
}
