import { assertBatched } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';

/** 2^-126, the smallest normal float32. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * `g / max|g|` per sample (the paper's L∞ normalisation, Eq. 4), with max|g| over all of a sample's
 * elements. Every value lands in [-1, 1]; a sample whose gradient is all zero stays zero (never NaN).
 * Unlike the authors' code it divides by max|g|, not the signed max(g) + 1e-6, which blows up on an
 * all-negative gradient.
 */
export function perSampleLinfNormalize<T>(ops: TensorOpsV1<T>, g: T): T {
  assertBatched(ops.shape(g), 'g');
  return ops.tidy(() => {
    // max|g| is raised to the smallest normal float32: the reciprocal of a subnormal overflows to
    // Inf (and 0·Inf = NaN). A zero sample then scales by 2^126 and stays exactly zero.
    const max = ops.clip(ops.maxAbsPerSample(g), FLOAT32_MIN_NORMAL, FLOAT32_MAX);
    // g · (1/max) can round one ulp above 1 in float32; the clip makes |result| <= 1 exact.
    return ops.clip(ops.mulPerSample(g, ops.safeReciprocal(max)), -1, 1);
  });
}
