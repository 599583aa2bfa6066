import { assertBatched, assertShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';
import { FLOAT32_MIN_NORMAL } from './per-sample-linf-normalize';

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Shrinks the coefficient by 2^-21 so the float32 result never exceeds fl(|r|·s): the four rounded
 * products (r·s, 1/max, ·, g·c) and this one can together grow a value by at most (1 + 2^-24)^5 <
 * 1 / (1 - 2^-21) while they stay normal float32. A relative change of 5e-7 is far below anything
 * training can notice.
 */
const ROUNDING_MARGIN = 1 - 2 ** -21;

/**
 * ANL's noise (Eq. 4): `eta = r · s(h) · g / max|g|`, with `g` of shape `[B, ...]`, `r` of shape
 * `[B]` (one magnitude per sample, from `sampleClippedGaussianR`) and `s` of shape `[]`.
 * sign(eta) = sign(g)·sign(r), and a sample whose gradient is all zero gets zero noise. Caller owns
 * the result.
 *
 * Float32 precisely: with p = fl(|r|·s) and m = max(max|g|, 2^-126) (the floor keeps 1/m finite),
 * eta is g · fl(r·s)/m to 1e-6 relative, and |eta| <= p exactly while p, 1/m and p/m are normal
 * float32. Only when one of them is subnormal (noise below ~1e-38 of the gradient's scale) can its
 * absolute rounding add up to 2^-150·(1 + max|g|·(p + 2)) to |eta|. The coefficient saturates at
 * ±3.4e38, which only a subnormal-sized gradient with |r·s| > 4 reaches.
 *
 * The per-sample coefficient `c = r·s / max|g|` is formed on the `[B]` vector, so the full-size work
 * is max|g| and one broadcast multiply `g · c` (the same values as `perSampleLinfNormalize(g)·r·s`
 * within the bounds above).
 */
export function anlNoise<T>(ops: TensorOpsV1<T>, g: T, r: T, s: T): T {
  const gShape = ops.shape(g);
  assertBatched(gShape, 'g');
  assertShape(ops.shape(r), [gShape[0]], 'r');
  assertShape(ops.shape(s), [], 's');
  return ops.tidy(() => ops.mulPerSample(g, coefficient(ops, ops.maxAbsPerSample(g), r, s)));
}

/**
 * `anlNoise(ops, ops.gatherRows(table, rows), r, s)`, the same values bit for bit, for noise whose
 * directions are rows of a table (CANL's class gradients): max|g| is taken over the table's few
 * rows and gathered, so the full-size work is the gather and one multiply. `rows` must be valid
 * row indices of `table` (e.g. labels checked by `validateLabels`). Caller owns the result.
 */
export function anlNoiseOfRows<T>(ops: TensorOpsV1<T>, table: T, rows: Int32Array, r: T, s: T): T {
  return ops.tidy(() =>
    ops.mulPerSample(ops.gatherRows(table, rows), anlRowsCoefficient(ops, table, rows, r, s)),
  );
}

/**
 * The per-sample coefficient of `anlNoiseOfRows` (shape `[B]`): its noise is
 * `mulPerSample(gatherRows(table, rows), c)`, which an adapter may build where the activations
 * live from the table, the rows and c alone (see `PassRequest.noiseAsRows`). Caller owns it.
 */
export function anlRowsCoefficient<T>(ops: TensorOpsV1<T>, table: T, rows: Int32Array, r: T, s: T): T {
  const tableShape = ops.shape(table);
  assertBatched(tableShape, 'table');
  assertShape(ops.shape(r), [rows.length], 'r');
  assertShape(ops.shape(s), [], 's');
  return ops.tidy(() => coefficient(ops, ops.gatherRows(ops.maxAbsPerSample(table), rows), r, s));
}

/** `c = r·s / max|g|` per sample, shape `[B]`, from `maxAbs = max|g|` per sample. */
function coefficient<T>(ops: TensorOpsV1<T>, maxAbs: T, r: T, s: T): T {
  // max|g| is raised to the smallest normal float32: the reciprocal of a subnormal overflows to Inf.
  // A zero sample then gets a finite coefficient and g·c stays exactly zero.
  const max = ops.clip(maxAbs, FLOAT32_MIN_NORMAL, FLOAT32_MAX);
  // r·s first (finite), then / max: it can only overflow to ±Inf (never NaN), and the clip brings
  // it back to ±FLOAT32_MAX. Lowering c keeps the bound and the sign; it only changes anything
  // when max|g| < |r·s| / 3.4e38, i.e. for a gradient of subnormal size.
  const perSample = ops.mul(ops.scaleByScalar(r, s), ops.safeReciprocal(max));
  return ops.scale(ops.clip(perSample, -FLOAT32_MAX, FLOAT32_MAX), ROUNDING_MARGIN);
}
