import { AnlError, invalidArgument } from './errors';
import {
  assertBatched,
  assertFinite,
  assertShape,
  assertValidShape,
  formatShape,
  shapesEqual,
} from './shape';
import type { TensorOpsV1 } from './tensor-ops';
import { assertFromArrayArguments, assertRowIndices, assertSeed } from './tensor-ops-arguments';

/**
 * What an adapter implements: the `TensorOpsV1` methods, called only with arguments that
 * `CheckedTensorOps` has already checked, plus the one check only the adapter can make.
 */
export interface TensorKernelsV1<T> extends Omit<TensorOpsV1<T>, 'specificationVersion'> {
  /** Throws INVALID_ARGUMENT naming `argument` unless `t` is a live tensor of this backend. */
  assertTensor(t: unknown, argument: string): asserts t is T;
}

/**
 * `TensorOpsV1` with every argument checked once, here, for every adapter: an adapter extends this
 * class with its kernels, so all adapters refuse bad input with the same codes, arguments and
 * messages (the conformance kit's error cases check them), before anything is computed.
 */
export class CheckedTensorOps<T> implements TensorOpsV1<T> {
  readonly specificationVersion = 'v1' as const;

  constructor(protected readonly kernels: TensorKernelsV1<T>) {}

  get name(): string {
    return this.kernels.name;
  }

  // ---- creation and transfer ----

  fromArray(values: Float32Array | readonly number[], shape: readonly number[]): T {
    assertFromArrayArguments(values, shape);
    return this.kernels.fromArray(values, shape);
  }

  zeros(shape: readonly number[]): T {
    assertValidShape(shape, 'shape');
    return this.kernels.zeros(shape);
  }

  shape(t: T): number[] {
    this.kernels.assertTensor(t, 't');
    return this.kernels.shape(t);
  }

  toArray(t: T): Promise<Float32Array> {
    this.kernels.assertTensor(t, 't');
    return this.kernels.toArray(t);
  }

  // ---- element-wise ----

  add(a: T, b: T): T {
    this.assertPair(a, b);
    return this.kernels.add(a, b);
  }

  sub(a: T, b: T): T {
    this.assertPair(a, b);
    return this.kernels.sub(a, b);
  }

  mul(a: T, b: T): T {
    this.assertPair(a, b);
    return this.kernels.mul(a, b);
  }

  scale(a: T, s: number): T {
    this.kernels.assertTensor(a, 'a');
    assertFinite(s, 's');
    return this.kernels.scale(a, s);
  }

  scaleByScalar(a: T, s: T): T {
    this.kernels.assertTensor(a, 'a');
    this.kernels.assertTensor(s, 's');
    assertShape(this.kernels.shape(s), [], 's');
    return this.kernels.scaleByScalar(a, s);
  }

  sign(a: T): T {
    this.kernels.assertTensor(a, 'a');
    return this.kernels.sign(a);
  }

  abs(a: T): T {
    this.kernels.assertTensor(a, 'a');
    return this.kernels.abs(a);
  }

  clip(a: T, lo: number, hi: number): T {
    this.kernels.assertTensor(a, 'a');
    if (typeof lo !== 'number' || Number.isNaN(lo)) invalidArgument('lo', 'a number', lo);
    if (typeof hi !== 'number' || Number.isNaN(hi)) invalidArgument('hi', 'a number', hi);
    if (lo > hi) invalidArgument('lo', `<= hi (${hi})`, lo);
    return this.kernels.clip(a, lo, hi);
  }

  safeReciprocal(a: T): T {
    this.kernels.assertTensor(a, 'a');
    return this.kernels.safeReciprocal(a);
  }

  // ---- per-sample broadcasting ----

  mulPerSample(a: T, v: T): T {
    this.kernels.assertTensor(a, 'a');
    this.kernels.assertTensor(v, 'v');
    const shape = this.kernels.shape(a);
    assertBatched(shape, 'a');
    assertShape(this.kernels.shape(v), [shape[0]], 'v');
    return this.kernels.mulPerSample(a, v);
  }

  // ---- reductions ----

  mean(a: T): T {
    this.kernels.assertTensor(a, 'a');
    return this.kernels.mean(a);
  }

  std(a: T): T {
    this.kernels.assertTensor(a, 'a');
    return this.kernels.std(a);
  }

  maxAbsPerSample(a: T): T {
    this.assertBatchedTensor(a, 'a');
    return this.kernels.maxAbsPerSample(a);
  }

  l2NormPerSample(a: T): T {
    this.assertBatchedTensor(a, 'a');
    return this.kernels.l2NormPerSample(a);
  }

  // ---- random ----

  randomNormal(shape: readonly number[], mean: number, std: number, seed: number): T {
    assertValidShape(shape, 'shape');
    assertFinite(mean, 'mean');
    if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) {
      invalidArgument('std', 'a finite number >= 0', std);
    }
    assertSeed(seed);
    return this.kernels.randomNormal(shape, mean, std, seed);
  }

  randomUniform(shape: readonly number[], lo: number, hi: number, seed: number): T {
    assertValidShape(shape, 'shape');
    assertFinite(lo, 'lo');
    if (typeof hi !== 'number' || !Number.isFinite(hi) || hi < lo) {
      invalidArgument('hi', `a finite number >= lo (${lo})`, hi);
    }
    assertSeed(seed);
    return this.kernels.randomUniform(shape, lo, hi, seed);
  }

  // ---- rows ----

  gatherRows(table: T, indices: Int32Array): T {
    this.assertBatchedTensor(table, 'table');
    assertRowIndices(indices, this.kernels.shape(table)[0], 'indices');
    return this.kernels.gatherRows(table, indices);
  }

  scatterRows(table: T, rows: Int32Array, src: T, srcRows: Int32Array): T {
    this.kernels.assertTensor(table, 'table');
    this.kernels.assertTensor(src, 'src');
    const tableShape = this.kernels.shape(table);
    const srcShape = this.kernels.shape(src);
    assertBatched(tableShape, 'table');
    assertBatched(srcShape, 'src');
    if (!shapesEqual(tableShape.slice(1), srcShape.slice(1))) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `src rows must have shape ${formatShape(tableShape.slice(1))} (table's rows), got ${formatShape(srcShape.slice(1))}`,
        { argument: 'src' },
      );
    }
    assertRowIndices(rows, tableShape[0], 'rows');
    assertRowIndices(srcRows, srcShape[0], 'srcRows');
    if (rows.length !== srcRows.length) {
      invalidArgument('srcRows', `of length ${rows.length} (rows.length)`, srcRows);
    }
    return this.kernels.scatterRows(table, rows, src, srcRows);
  }

  // ---- memory ----

  tidy<R>(fn: () => R): R {
    return this.kernels.tidy(fn);
  }

  keep(t: T): T {
    this.kernels.assertTensor(t, 't');
    return this.kernels.keep(t);
  }

  dispose(t: T | readonly T[]): void {
    this.kernels.dispose(t);
  }

  private assertPair(a: T, b: T): void {
    this.kernels.assertTensor(a, 'a');
    this.kernels.assertTensor(b, 'b');
    assertShape(this.kernels.shape(b), this.kernels.shape(a), 'b');
  }

  private assertBatchedTensor(t: T, argument: string): void {
    this.kernels.assertTensor(t, argument);
    assertBatched(this.kernels.shape(t), argument);
  }
}
