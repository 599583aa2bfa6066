import { argMax, cast, equal, type Scalar, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';

/** How many rows of `yPred` put their largest value on the class of the one-hot row in `yTrue`. */
export function correctCount(yTrue: Tensor, yPred: Tensor): Scalar {
  return tidy(() => sum(cast(equal(argMax(yPred, -1), argMax(yTrue, -1)), 'float32')) as Scalar);
}
