import { invalidArgument } from '@anl/core';
import { OrtLazyTensor } from './lazy/ort-lazy-tensor';

/** Throws INVALID_ARGUMENT unless `t` is a float tensor of `OrtTensorOps`. */
export function assertLazyTensor(t: unknown, argument: string): asserts t is OrtLazyTensor {
  if (!(t instanceof OrtLazyTensor) || t.dataType !== 'float') {
    invalidArgument(argument, 'a tensor of OrtTensorOps (OrtLazyTensor)', t);
  }
}
