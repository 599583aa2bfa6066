import type { TensorKernelsV1 } from '../checked-tensor-ops';
import { invalidArgument } from '../errors';
import { createRng } from '../rng/create-rng';
import { shapeSize } from '../shape';
import { MemoryTracker } from './memory-tracker';
import type { RefTensor } from './ref-tensor';

/**
 * The reference kernels: plain `Float32Array`s, simple loops, reductions in float64 then rounded
 * once to float32. Called only through `CheckedTensorOps`, which has checked every argument.
 */
export class ReferenceKernels implements TensorKernelsV1<RefTensor> {
  readonly name: string;
  readonly tracker: MemoryTracker | null;

  constructor(strictMemory: boolean) {
    this.tracker = strictMemory ? new MemoryTracker() : null;
    this.name = strictMemory ? 'reference-strict' : 'reference';
  }

  assertTensor(t: unknown, argument: string): asserts t is RefTensor {
    const r = t as RefTensor;
    if (typeof t !== 'object' || t === null || !(r.data instanceof Float32Array) || !Array.isArray(r.shape)) {
      invalidArgument(argument, 'a RefTensor ({ shape, data: Float32Array })', t);
    }
    this.tracker?.assertAlive(r, argument);
  }

  // ---- creation and transfer ----

  fromArray(values: Float32Array | readonly number[], shape: readonly number[]): RefTensor {
    return this.make(shape, Float32Array.from(values));
  }

  zeros(shape: readonly number[]): RefTensor {
    return this.make(shape, new Float32Array(shapeSize(shape)));
  }

  shape(t: RefTensor): number[] {
    return [...t.shape];
  }

  async toArray(t: RefTensor): Promise<Float32Array> {
    return t.data.slice();
  }

  // ---- element-wise ----

  add(a: RefTensor, b: RefTensor): RefTensor {
    return this.zip(a, b, (x, y) => x + y);
  }

  sub(a: RefTensor, b: RefTensor): RefTensor {
    return this.zip(a, b, (x, y) => x - y);
  }

  mul(a: RefTensor, b: RefTensor): RefTensor {
    return this.zip(a, b, (x, y) => x * y);
  }

  scale(a: RefTensor, s: number): RefTensor {
    return this.map(a, (x) => x * s);
  }

  scaleByScalar(a: RefTensor, s: RefTensor): RefTensor {
    const factor = s.data[0];
    return this.map(a, (x) => x * factor);
  }

  sign(a: RefTensor): RefTensor {
    // Math.sign(-0) is -0; `+ 0` turns it into +0 so sign(0) is exactly 0 either way.
    return this.map(a, (x) => Math.sign(x) + 0);
  }

  abs(a: RefTensor): RefTensor {
    return this.map(a, Math.abs);
  }

  clip(a: RefTensor, lo: number, hi: number): RefTensor {
    return this.map(a, (x) => Math.min(Math.max(x, lo), hi));
  }

  safeReciprocal(a: RefTensor): RefTensor {
    return this.map(a, (x) => (x === 0 ? 0 : 1 / x));
  }

  // ---- per-sample broadcasting ----

  mulPerSample(a: RefTensor, v: RefTensor): RefTensor {
    const batch = a.shape[0];
    const per = batch === 0 ? 0 : a.data.length / batch;
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < batch; i++) {
      const f = v.data[i];
      for (let j = i * per; j < (i + 1) * per; j++) out[j] = a.data[j] * f;
    }
    return this.make(a.shape, out);
  }

  // ---- reductions ----

  mean(a: RefTensor): RefTensor {
    return this.make([], Float32Array.of(meanOf(a.data)));
  }

  std(a: RefTensor): RefTensor {
    const m = meanOf(a.data);
    let sq = 0;
    for (let i = 0; i < a.data.length; i++) sq += (a.data[i] - m) ** 2;
    return this.make([], Float32Array.of(Math.sqrt(sq / a.data.length)));
  }

  maxAbsPerSample(a: RefTensor): RefTensor {
    return this.perSample(a, (row) => {
      let m = 0;
      for (let j = 0; j < row.length; j++) m = Math.max(m, Math.abs(row[j]));
      return m;
    });
  }

  l2NormPerSample(a: RefTensor): RefTensor {
    return this.perSample(a, (row) => {
      let sq = 0;
      for (let j = 0; j < row.length; j++) sq += row[j] * row[j];
      return Math.sqrt(sq);
    });
  }

  // ---- random ----

  randomNormal(shape: readonly number[], mean: number, std: number, seed: number): RefTensor {
    const rng = createRng(seed);
    const out = new Float32Array(shapeSize(shape));
    for (let i = 0; i < out.length; i++) out[i] = mean + std * rng.normal();
    return this.make(shape, out);
  }

  randomUniform(shape: readonly number[], lo: number, hi: number, seed: number): RefTensor {
    const rng = createRng(seed);
    const out = new Float32Array(shapeSize(shape));
    for (let i = 0; i < out.length; i++) {
      // Rounding to float32 can land exactly on hi; the contract says [lo, hi).
      const x = Math.fround(lo + (hi - lo) * rng.uniform());
      out[i] = x >= hi && hi > lo ? lo : x;
    }
    return this.make(shape, out);
  }

  // ---- rows ----

  gatherRows(table: RefTensor, indices: Int32Array): RefTensor {
    const per = rowSize(table.shape);
    const out = new Float32Array(indices.length * per);
    for (let k = 0; k < indices.length; k++)
      out.set(table.data.subarray(indices[k] * per, (indices[k] + 1) * per), k * per);
    return this.make([indices.length, ...table.shape.slice(1)], out);
  }

  scatterRows(table: RefTensor, rows: Int32Array, src: RefTensor, srcRows: Int32Array): RefTensor {
    const per = rowSize(table.shape);
    const out = table.data.slice();
    for (let k = 0; k < rows.length; k++)
      out.set(src.data.subarray(srcRows[k] * per, (srcRows[k] + 1) * per), rows[k] * per);
    return this.make(table.shape, out);
  }

  // ---- memory ----

  tidy<R>(fn: () => R): R {
    return this.tracker ? this.tracker.tidy(fn) : fn();
  }

  keep(t: RefTensor): RefTensor {
    this.tracker?.keep(t);
    return t;
  }

  dispose(t: RefTensor | readonly RefTensor[]): void {
    if (!this.tracker) return;
    const list = Array.isArray(t) ? t : [t as RefTensor];
    for (const item of list) this.tracker.dispose(item);
  }

  // ---- helpers ----

  private make(shape: readonly number[], data: Float32Array): RefTensor {
    const t: RefTensor = { shape: [...shape], data };
    return this.tracker ? this.tracker.register(t) : t;
  }

  private map(a: RefTensor, f: (x: number) => number): RefTensor {
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(a.data[i]);
    return this.make(a.shape, out);
  }

  private zip(a: RefTensor, b: RefTensor, f: (x: number, y: number) => number): RefTensor {
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i]);
    return this.make(a.shape, out);
  }

  private perSample(a: RefTensor, reduce: (row: Float32Array) => number): RefTensor {
    const batch = a.shape[0];
    const per = rowSize(a.shape);
    const out = new Float32Array(batch);
    for (let i = 0; i < batch; i++) out[i] = reduce(a.data.subarray(i * per, (i + 1) * per));
    return this.make([batch], out);
  }
}

function rowSize(shape: readonly number[]): number {
  return shapeSize(shape.slice(1));
}

function meanOf(data: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  return sum / data.length;
}
