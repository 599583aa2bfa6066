import type { TensorKernelsV1 } from '@anl/core';
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
import { checkTensor, sizeOf } from './tensor-checks';

/**
 * The ops of `TfjsTensorOps`, called only with arguments `CheckedTensorOps` (in @anl/core) has
 * checked; temporaries are freed inside `tidy`, so only the returned tensor is left to the caller.
 */
export class TfjsKernels implements TensorKernelsV1<Tensor> {
  /** `tfjs-<backend>`, read at call time because the application may switch backends. */
  get name(): string {
    return `tfjs-${getBackend()}`;
  }

  assertTensor(t: unknown, argument: string): asserts t is Tensor {
    checkTensor(t, argument);
  }

  // ---- creation and transfer ----

  fromArray(values: Float32Array | readonly number[], shape: readonly number[]): Tensor {
    return tensor(Float32Array.from(values), [...shape], 'float32');
  }

  zeros(shape: readonly number[]): Tensor {
    return zeros([...shape], 'float32');
  }

  shape(t: Tensor): number[] {
    return [...t.shape];
  }

  async toArray(t: Tensor): Promise<Float32Array> {
    // A copy: some backends hand out their own buffer, which the caller must not be able to change.
    return Float32Array.from(await t.data());
  }

  // ---- element-wise ----

  add(a: Tensor, b: Tensor): Tensor {
    return add(a, b);
  }

  sub(a: Tensor, b: Tensor): Tensor {
    return sub(a, b);
  }

  mul(a: Tensor, b: Tensor): Tensor {
    return mul(a, b);
  }

  scale(a: Tensor, s: number): Tensor {
    return tidy(() => mul(a, scalar(s)));
  }

  scaleByScalar(a: Tensor, s: Tensor): Tensor {
    return mul(a, s);
  }

  sign(a: Tensor): Tensor {
    return sign(a);
  }

  abs(a: Tensor): Tensor {
    return abs(a);
  }

  clip(a: Tensor, lo: number, hi: number): Tensor {
    return clipByValue(a, lo, hi);
  }

  safeReciprocal(a: Tensor): Tensor {
    // 1/0 = Inf is computed and then dropped by `where`; nothing non-finite leaves.
    return tidy(() => where(equal(a, 0), zerosLike(a), div(scalar(1), a)));
  }

  // ---- per-sample broadcasting ----

  mulPerSample(a: Tensor, v: Tensor): Tensor {
    return tidy(() => mul(a, reshape(v, [a.shape[0], ...a.shape.slice(1).map(() => 1)])));
  }

  // ---- reductions ----

  mean(a: Tensor): Tensor {
    return mean(a);
  }

  std(a: Tensor): Tensor {
    // Population std (divides by N), two-pass like `tf.moments`, which is ~1.5x slower on wasm.
    return tidy(() => sqrt(mean(square(sub(a, mean(a))))));
  }

  maxAbsPerSample(a: Tensor): Tensor {
    // An empty sample has max |a| = 0 (a max over nothing would be -Inf).
    if (sizeOf(a.shape.slice(1)) === 0) return zeros([a.shape[0]]);
    return tidy(() => max(abs(this.rows(a)), 1));
  }

  l2NormPerSample(a: Tensor): Tensor {
    return tidy(() => sqrt(sum(square(this.rows(a)), 1)));
  }

  // ---- random ----

  randomNormal(shape: readonly number[], mean: number, std: number, seed: number): Tensor {
    // Drawn on the host and uploaded once: tf.randomNormal is several times slower (see fillNormal).
    return tensor(fillNormal(new Float32Array(sizeOf(shape)), mean, std, seed), [...shape], 'float32');
  }

  randomUniform(shape: readonly number[], lo: number, hi: number, seed: number): Tensor {
    return tidy(() => {
      const x = randomUniform([...shape], lo, hi, 'float32', seed);
      if (hi === lo) return x;
      // float32 rounding of lo + (hi - lo) * u can land on hi; the contract is [lo, hi).
      return where(greaterEqual(x, hi), scalar(lo), x);
    });
  }

  // ---- rows ----

  gatherRows(table: Tensor, indices: Int32Array): Tensor {
    return tidy(() => gather(table, tensor1d(indices, 'int32'), 0));
  }

  scatterRows(table: Tensor, rows: Int32Array, src: Tensor, srcRows: Int32Array): Tensor {
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
    return keep(t);
  }

  dispose(t: Tensor | readonly Tensor[]): void {
    dispose(t as Tensor | Tensor[]);
  }

  // ---- helpers ----

  /** `[B, ...]` as `[B, rest]`; a rank-1 input is B samples of one element. */
  private rows(a: Tensor): Tensor {
    return reshape(a, [a.shape[0], sizeOf(a.shape.slice(1))]);
  }
}
