import { invalidArgument } from '@anl/core';
import { Tensor } from '@tensorflow/tfjs-core';

// The shared TensorOps argument checks live in @anl/core (same codes and messages in every
// adapter); the names here are the ones this package's ops were written with.
export {
  assertBatched as checkBatched,
  assertFinite as checkFinite,
  assertRowIndices as checkRowIndices,
  assertSeed as checkSeed,
  assertShape as checkShape,
  assertValidShape as checkValidShape,
  formatShape,
  shapeSize as sizeOf,
  shapesEqual as sameShape,
} from '@anl/core';

/** A live tf.Tensor, or INVALID_ARGUMENT naming `argument`. */
export function checkTensor(t: unknown, argument: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) invalidArgument(argument, 'a tf.Tensor', t);
  if (t.isDisposed) invalidArgument(argument, 'a tensor that is not disposed', 'a disposed tensor');
}
