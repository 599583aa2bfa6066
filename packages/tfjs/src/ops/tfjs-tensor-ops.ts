import { CheckedTensorOps } from '@anl/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { TfjsKernels } from './tfjs-kernels';

/**
 * `TensorOpsV1` on TensorFlow.js tensors, so @anl/core's noise algebra and training algorithms run
 * on whatever backend the application selected (cpu, wasm, webgl, tfjs-node). Every method checks
 * its arguments on the host first (shapes, indices; in @anl/core's `CheckedTensorOps`, as every
 * adapter does) and throws an `AnlError` before touching tfjs; temporaries are freed inside `tidy`,
 * so only the returned tensor is left for the caller to free. `name` is `tfjs-<backend>`, read at
 * call time because the application may switch backends.
 */
export class TfjsTensorOps extends CheckedTensorOps<Tensor> {
  constructor() {
    super(new TfjsKernels());
  }
}

/** A shared instance; `TfjsTensorOps` holds no state, so one is enough. */
export const tfjsOps = new TfjsTensorOps();
