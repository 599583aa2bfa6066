import { CheckedTensorOps } from '../checked-tensor-ops';
import type { RefTensor } from './ref-tensor';
import { ReferenceKernels } from './reference-kernels';

export interface ReferenceTensorOpsOptions {
  /**
   * Track ownership like tfjs: count live tensors (`numTensors`), free in `tidy`, and throw on use
   * after `dispose`. Off by default, where `tidy`, `keep` and `dispose` are no-ops.
   */
  readonly strictMemory?: boolean;
}

/**
 * The oracle implementation of `TensorOpsV1`: plain `Float32Array`s, simple loops, reductions in
 * float64 then rounded once to float32. Slow, exact, and the yardstick of the conformance kit.
 * Its arguments are checked by `CheckedTensorOps`, as every adapter's are.
 */
export class ReferenceTensorOps extends CheckedTensorOps<RefTensor> {
  private readonly reference: ReferenceKernels;

  constructor(options: ReferenceTensorOpsOptions = {}) {
    const kernels = new ReferenceKernels(Boolean(options.strictMemory));
    super(kernels);
    this.reference = kernels;
  }

  /** Live tensors (strict mode only; 0 otherwise). */
  get numTensors(): number {
    return this.reference.tracker?.numTensors ?? 0;
  }
}

/** A shared non-strict instance: what tests and small programs use. */
export const referenceOps = new ReferenceTensorOps();
