/**
 * The contract a tensor backend implements so @anl/core's noise algebra and training algorithms
 * run on it. Implemented by `ReferenceTensorOps` (`@anl/core/reference`, plain Float32Array, the
 * oracle), `TfjsTensorOps` (`@anl/tfjs`) and `OrtTensorOps` (`@anl/ort`). Check an implementation
 * with `@anl/core/conformance`.
 *
 * Conventions:
 * - Tensors are immutable values: every operation returns a new tensor and never changes its inputs.
 * - "Per sample" means along axis 0: a tensor of shape `[B, ...]` holds B samples.
 * - Scalars are tensors of shape `[]`.
 * - Shapes must match exactly; there is no implicit broadcasting except where a method says so.
 * - Index arrays (`Int32Array`) live on the host: labels and row choices are known there, and this
 *   keeps reads from the device out of the training step.
 * - Memory: callers free what they create with `dispose`, or group work in `tidy`. Implementations
 *   without manual memory management make `tidy`, `keep` and `dispose` no-ops.
 */
export interface TensorOpsV1<T> {
  readonly specificationVersion: 'v1';
  /** A name for messages and benchmarks, e.g. `'reference'` or `'tfjs-cpu'`. */
  readonly name: string;

  // ---- creation and transfer ----
  /** A tensor of `shape` holding `values` (row-major). `values.length` must equal the shape's size. */
  fromArray(values: Float32Array | readonly number[], shape: readonly number[]): T;
  /** A tensor of zeros. */
  zeros(shape: readonly number[]): T;
  /** The shape of `t`. */
  shape(t: T): number[];
  /** Copies `t`'s values to the host, row-major. Slow on devices: tests and reports only. */
  toArray(t: T): Promise<Float32Array>;

  // ---- element-wise, equal shapes ----
  /** `a + b`. */
  add(a: T, b: T): T;
  /** `a - b`. */
  sub(a: T, b: T): T;
  /** `a * b` element-wise. */
  mul(a: T, b: T): T;
  /** `a * s` for a host number `s`. */
  scale(a: T, s: number): T;
  /** `a * s` for a scalar tensor `s` (shape `[]`), which can stay on the device. */
  scaleByScalar(a: T, s: T): T;
  /** -1, 0 or +1 element-wise (sign(0) = 0). */
  sign(a: T): T;
  /** |a| element-wise. */
  abs(a: T): T;
  /** min(max(a, lo), hi) element-wise. Requires lo <= hi. */
  clip(a: T, lo: number, hi: number): T;
  /** `1 / a` where `a != 0`, and 0 where `a == 0` (never Inf or NaN). */
  safeReciprocal(a: T): T;

  // ---- per-sample broadcasting ----
  /** `a[i, ...] * v[i]` for `a` of shape `[B, ...]` and `v` of shape `[B]`. */
  mulPerSample(a: T, v: T): T;

  // ---- reductions ----
  /** Mean of all elements, shape `[]`. */
  mean(a: T): T;
  /** Population standard deviation of all elements (divides by N), shape `[]`. */
  std(a: T): T;
  /** `max_j |a[i, j...]|` for each sample i, shape `[B]`. A rank-1 input is B samples of one element. */
  maxAbsPerSample(a: T): T;
  /** `sqrt(sum_j a[i, j...]^2)` for each sample i, shape `[B]`. */
  l2NormPerSample(a: T): T;

  // ---- random ----
  /**
   * Normal draws N(mean, std^2) of `shape`. `seed` is an unsigned 32-bit integer from core's RNG;
   * the same seed gives the same tensor on the same implementation (not across implementations).
   */
  randomNormal(shape: readonly number[], mean: number, std: number, seed: number): T;
  /** Uniform draws in [lo, hi) of `shape`, seeded as `randomNormal`. */
  randomUniform(shape: readonly number[], lo: number, hi: number, seed: number): T;

  // ---- rows (axis 0) by host indices ----
  /** `out[k, ...] = table[indices[k], ...]`; shape `[indices.length, ...]`. Indices in range. */
  gatherRows(table: T, indices: Int32Array): T;
  /**
   * A copy of `table` with `out[rows[k], ...] = src[srcRows[k], ...]` for every k; other rows as in
   * `table`. `rows` and `srcRows` have equal length; a row written twice takes the last write.
   */
  scatterRows(table: T, rows: Int32Array, src: T, srcRows: Int32Array): T;

  // ---- memory ----
  /** Runs `fn`, freeing every tensor it created except those it returns (or `keep`s). */
  tidy<R>(fn: () => R): R;
  /** Marks `t` to survive the enclosing `tidy`. Returns `t`. */
  keep(t: T): T;
  /** Frees tensors now. Safe on already-freed tensors. */
  dispose(t: T | readonly T[]): void;
}

/** Every version of the contract an adapter may implement; new versions are added beside old ones. */
export type TensorOps<T> = TensorOpsV1<T>;
