import { assertBatched as assertShapeBatched, invalidArgument } from '@anl/core';
import { OrtLazyTensor } from './lazy/ort-lazy-tensor';

// The shared TensorOps argument checks live in @anl/core (same codes and messages in every adapter).
export { assertFinite, assertRowIndices, assertSeed, assertValidShape } from '@anl/core';

/** Throws INVALID_ARGUMENT unless `t` is a float tensor of `OrtTensorOps`. */
export function assertLazyTensor(t: unknown, argument: string): asserts t is OrtLazyTensor {
  if (!(t instanceof OrtLazyTensor) || t.dataType !== 'float') {
    invalidArgument(argument, 'a tensor of OrtTensorOps (OrtLazyTensor)', t);
  }
}

/** Throws SHAPE_MISMATCH unless `t` has rank >= 1 (a batch along axis 0). */
export function assertBatched(t: OrtLazyTensor, argument: string): void {
  assertShapeBatched(t.shape, argument);
}
