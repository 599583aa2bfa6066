import type { TensorOpsV1 } from '@anl/core';
import type { Bounds } from '../bounds';

/**
 * dL/dlogits for the host logits of one forward pass: row-major [B, numClasses] in and out. The
 * attack computes its loss on the host (logits are small) and hands the classifier only this weight.
 */
export type OutputGradient = (logits: Float32Array) => Float32Array;

/** What `gradient` returns: the logits of the pass and dL/dx (same shape as x, the caller's). */
export interface ClassifierGradient<T> {
  logits: Float32Array;
  gradient: T;
}

/**
 * What every attack object needs from a model, over any `TensorOpsV1` backend (tfjs, the Float32Array
 * reference, ...). Attacks never call a framework directly: they move `x` with `ops` and ask the
 * classifier for logits and input gradients. Tensors returned are the caller's.
 */
export interface AttackClassifier<T> {
  /** The tensor operations of the backend `x` lives on. */
  readonly ops: TensorOpsV1<T>;
  /** The valid input range; attacks keep every input inside it. */
  readonly bounds: Bounds;
  /** Number of classes (the logits' second dimension). */
  readonly numClasses: number;
  /**
   * True when two calls on the same input may differ (noise on at inference, e.g. PNI). Attacks then
   * average gradients over several draws (EOT) by default.
   */
  readonly stochastic: boolean;
  /** Logits for the batch `x` [B, ...], row-major [B, numClasses] on the host. */
  logits(x: T): Float32Array;
  /**
   * One forward pass at `x` (one noise draw) and the input gradient of
   * L = Σ_{i,c} w[i,c]·logits[i,c], where w = outputGradient(logits of that same pass).
   * Returns those logits and dL/dx (same shape as x).
   */
  gradient(x: T, outputGradient: OutputGradient): ClassifierGradient<T>;
  /**
   * Optional: `logits` with an asynchronous read, for backends that cannot read device memory
   * synchronously (the tfjs webgpu backend in Node). Used by `Attack.runAsync`.
   */
  logitsAsync?(x: T): Promise<Float32Array>;
  /** Optional: `gradient` with an asynchronous read of the logits (see `logitsAsync`). */
  gradientAsync?(x: T, outputGradient: OutputGradient): Promise<ClassifierGradient<T>>;
  /**
   * Optional: false while `logits`/`gradient` cannot run (the active backend has no synchronous
   * reads); `Attack.run` then takes the async members. Absent means true.
   */
  readsSync?(): boolean;
}
