import { assertBatched } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';

/**
 * `g / max|g|` per sample (the paper's L∞ normalisation, Eq. 4), with max|g| over all of a sample's
 * elements. Every value lands in [-1, 1]; a sample whose gradient is all zero stays zero (never NaN).
 * Unlike the authors' code it divides by max|g|, not the signed max(g) + 1e-6, which blows up on an
 * all-negative gradient.
 */
export function perSampleLinfNormalize<T>(ops: TensorOpsV1<T>, g: T): T {
  assertBatched(ops.shape(g), 'g');
  return ops.tidy(() => ops.mulPerSample(g, ops.safeReciprocal(ops.maxAbsPerSample(g))));
}
