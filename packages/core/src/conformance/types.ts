import type { ReferenceTensorOps } from '../reference/reference-tensor-ops';
import type { Rng } from '../rng/rng';
import type { TensorOpsV1 } from '../tensor-ops';

/** One named check; `run` rejects with an Error naming the op, the shape and the first mismatch. */
export interface ConformanceCase {
  readonly name: string;
  run(): Promise<void>;
}

export interface ConformanceOptions {
  /** Seed of the inputs (default 20240521). Every run with the same seed checks the same values. */
  readonly seed?: number;
  /** Random shapes tried per case (default 6). */
  readonly trials?: number;
  /** Relative tolerance of element-wise ops (default 1e-5). */
  readonly elementwiseTolerance?: number;
  /** Relative tolerance of reductions (default 1e-4). */
  readonly reductionTolerance?: number;
}

/** What every case builder gets. */
export interface KitContext<T> {
  readonly ops: TensorOpsV1<T>;
  readonly reference: ReferenceTensorOps;
  /** A fresh input generator for a case (the same for every run with the same seed). */
  rngFor(caseName: string): Rng;
  readonly trials: number;
  readonly elementwiseTolerance: number;
  readonly reductionTolerance: number;
}

/** Host-side input: shape and row-major values. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}
