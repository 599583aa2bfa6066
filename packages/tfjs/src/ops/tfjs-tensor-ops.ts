import { AnlError, assertFromArrayArguments, invalidArgument, type TensorOpsV1 } from '@anl/core';
import {
  abs,
  add,
  clipByValue,
  concat,
  dispose,
  div,
  equal,
  gather,
  getBackend,
  greaterEqual,
  keep,
  max,
  mean,
  mul,
  randomUniform,
  reshape,
  scalar,
  sign,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  tensor1d,
  tidy,
  where,
  zeros,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { fillNormal } from './fill-normal';
import {
  checkBatched,
  checkFinite,
  checkRowIndices,
  checkSeed,
  checkShape,
  checkTensor,
  checkValidShape,
  formatShape,
  sizeOf,
} from './tensor-checks';

/**
 * `TensorOpsV1` on TensorFlow.js tensors, so @anl/core's noise algebra and training algorithms run
 * on whatever backend the application selected (cpu, wasm, webgl, tfjs-node). Every method checks
 * its arguments on the host first (shapes, indices) and throws an `AnlError` before touching tfjs;
 * temporaries are freed inside `tidy`, so only the returned tensor is left for the caller to free.
 */
export class TfjsTensorOps implements TensorOpsV1<Tensor> {
  readonly specificationVersion = 'v1' as const;

  /** `tfjs-<backend>`, read at call time because the application may switch backends. */
  get name(): string {
    return `tfjs-${getBackend()}`;
  }

  // ---- creation and transfer ----

  fromArray(values: Float32Array | readonly number[], shape: readonly number[]): Tensor {
    assertFromArrayArguments(values, shape);
    return tensor(Float32Array.from(values), [...shape], 'float32');
  }

  zeros(shape: readonly number[]): Tensor {
    checkValidShape(shape, 'shape');
    return zeros([...shape], 'float32');
  }

  shape(t: Tensor): number[] {
    checkTensor(t, 't');
    return [...t.shape];
  }

  async toArray(t: Tensor): Promise<Float32Array> {
    checkTensor(t, 't');
    // A copy: some backends hand out their own buffer, which the caller must not be able to change.
    return Float32Array.from(await t.data());
  }

  // ---- element-wise ----

  add(a: Tensor, b: Tensor): Tensor {
    this.checkPair(a, b);
    return add(a, b);
  }

  sub(a: Tensor, b: Tensor): Tensor {
    this.checkPair(a, b);
    return sub(a, b);
  }

  mul(a: Tensor, b: Tensor): Tensor {
    this.checkPair(a, b);
    return mul(a, b);
  }

  scale(a: Tensor, s: number): Tensor {
    checkTensor(a, 'a');
    checkFinite(s, 's');
    return tidy(() => mul(a, scalar(s)));
  }

  scaleByScalar(a: Tensor, s: Tensor): Tensor {
    checkTensor(a, 'a');
    checkTensor(s, 's');
    checkShape(s.shape, [], 's');
    return mul(a, s);
  }

  sign(a: Tensor): Tensor {
    checkTensor(a, 'a');
    return sign(a);
  }

  abs(a: Tensor): Tensor {
    checkTensor(a, 'a');
    return abs(a);
  }

  clip(a: Tensor, lo: number, hi: number): Tensor {
    checkTensor(a, 'a');
    if (typeof lo !== 'number' || Number.isNaN(lo)) invalidArgument('lo', 'a number', lo);
    if (typeof hi !== 'number' || Number.isNaN(hi)) invalidArgument('hi', 'a number', hi);
    if (lo > hi) invalidArgument('lo', `<= hi (${hi})`, lo);
    return clipByValue(a, lo, hi);
  }

  safeReciprocal(a: Tensor): Tensor {
    checkTensor(a, 'a');
    // 1/0 = Inf is computed and then dropped by `where`; nothing non-finite leaves.
    return tidy(() => where(equal(a, 0), zerosLike(a), div(scalar(1), a)));
  }

  // ---- per-sample broadcasting ----

  mulPerSample(a: Tensor, v: Tensor): Tensor {
    checkTensor(a, 'a');
    checkTensor(v, 'v');
    checkBatched(a.shape, 'a');
    checkShape(v.shape, [a.shape[0]], 'v');
    return tidy(() => mul(a, reshape(v, [a.shape[0], ...a.shape.slice(1).map(() => 1)])));
  }

  // ---- reductions ----

  mean(a: Tensor): Tensor {
    checkTensor(a, 'a');
    return mean(a);
  }

  std(a: Tensor): Tensor {
    checkTensor(a, 'a');
    // Population std (divides by N), two-pass like `tf.moments`, which is ~1.5x slower on wasm.
    return tidy(() => sqrt(mean(square(sub(a, mean(a))))));
  }

  maxAbsPerSample(a: Tensor): Tensor {
    checkTensor(a, 'a');
    checkBatched(a.shape, 'a');
    // An empty sample has max |a| = 0 (a max over nothing would be -Inf).
    if (sizeOf(a.shape.slice(1)) === 0) return zeros([a.shape[0]]);
    return tidy(() => max(abs(this.rows(a)), 1));
  }

  l2NormPerSample(a: Tensor): Tensor {
    checkTensor(a, 'a');
    checkBatched(a.shape, 'a');
    return tidy(() => sqrt(sum(square(this.rows(a)), 1)));
  }

  // ---- random ----

  randomNormal(shape: readonly number[], mean: number, std: number, seed: number): Tensor {
    checkValidShape(shape, 'shape');
    checkFinite(mean, 'mean');
    if (typeof std !== 'number' || !Number.isFinite(std) || std < 0)
      invalidArgument('std', 'a finite number >= 0', std);
    checkSeed(seed);
    // Drawn on the host and uploaded once: tf.randomNormal is several times slower (see fillNormal).
    return tensor(fillNormal(new Float32Array(sizeOf(shape)), mean, std, seed), [...shape], 'float32');
  }

  randomUniform(shape: readonly number[], lo: number, hi: number, seed: number): Tensor {
    checkValidShape(shape, 'shape');
    checkFinite(lo, 'lo');
    if (typeof hi !== 'number' || !Number.isFinite(hi) || hi < lo)
      invalidArgument('hi', `a finite number >= lo (${lo})`, hi);
    checkSeed(seed);
    return tidy(() => {
      const x = randomUniform([...shape], lo, hi, 'float32', seed);
      if (hi === lo) return x;
      // float32 rounding of lo + (hi - lo) * u can land on hi; the contract is [lo, hi).
      return where(greaterEqual(x, hi), scalar(lo), x);
    });
  }

  // ---- rows ----

  gatherRows(table: Tensor, indices: Int32Array): Tensor {
    checkTensor(table, 'table');
    checkBatched(table.shape, 'table');
    checkRowIndices(indices, table.shape[0], 'indices');
    return tidy(() => gather(table, tensor1d(indices, 'int32'), 0));
  }

  scatterRows(table: Tensor, rows: Int32Array, src: Tensor, srcRows: Int32Array): Tensor {
    checkTensor(table, 'table');
    checkTensor(src, 'src');
    checkBatched(table.shape, 'table');
    checkBatched(src.shape, 'src');
    const rowShape = table.shape.slice(1);
    if (rowShape.length !== src.shape.length - 1 || rowShape.some((d, i) => d !== src.shape[i + 1])) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `src rows must have shape ${formatShape(rowShape)} (table's rows), got ${formatShape(src.shape.slice(1))}`,
        { argument: 'src' },
      );
    }
    checkRowIndices(rows, table.shape[0], 'rows');
    checkRowIndices(srcRows, src.shape[0], 'srcRows');
    if (rows.length !== srcRows.length)
      invalidArgument('srcRows', `of length ${rows.length} (rows.length)`, srcRows);
    // One gather from [table; the src rows used]: row r reads table[r] unless written, then src[its
    // last srcRow]. Only the used src rows are copied (CANL: <= classes rows out of a whole batch).
    const tableRows = table.shape[0];
    const pick = new Int32Array(tableRows);
    for (let r = 0; r < tableRows; r++) pick[r] = r;
    const used = new Map<number, number>();
    for (let k = 0; k < rows.length; k++) {
      let slot = used.get(srcRows[k]);
      if (slot === undefined) {
        slot = used.size;
        used.set(srcRows[k], slot);
      }
      pick[rows[k]] = tableRows + slot;
    }
    if (used.size === 0) return table.clone();
    const usedRows = Int32Array.from(used.keys());
    return tidy(() =>
      gather(concat([table, gather(src, tensor1d(usedRows, 'int32'), 0)], 0), tensor1d(pick, 'int32'), 0),
    );
  }

  // ---- memory ----

  tidy<R>(fn: () => R): R {
    return tidy(fn as () => never) as R;
  }

  keep(t: Tensor): Tensor {
    checkTensor(t, 't');
    return keep(t);
  }

  dispose(t: Tensor | readonly Tensor[]): void {
    dispose(t as Tensor | Tensor[]);
  }

  // ---- helpers ----

  private checkPair(a: Tensor, b: Tensor): void {
    checkTensor(a, 'a');
    checkTensor(b, 'b');
    checkShape(b.shape, a.shape, 'b');
  }

  /** `[B, ...]` as `[B, rest]`; a rank-1 input is B samples of one element. */
  private rows(a: Tensor): Tensor {
    return reshape(a, [a.shape[0], sizeOf(a.shape.slice(1))]);
  }
}

/** A shared instance; `TfjsTensorOps` holds no state, so one is enough. */
export const tfjsOps = new TfjsTensorOps();
