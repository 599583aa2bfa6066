import { AnlError, invalidArgument } from '@anl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Class labels for a batch: integer class indices, shape [B] (a tensor or a plain array). */
export type LabelsInput = Tensor | ArrayLike<number>;

/** Throws unless a tensor of labels has rank 1 (before anything is read). */
function checkLabelRank(labels: Tensor, batchSize: number, argument: string): void {
  if (labels.rank !== 1) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must be class indices of shape [${batchSize}], got shape [${labels.shape.join(', ')}]`,
      { argument },
    );
  }
}

/** Checks read label values against the batch size and the number of classes; returns int32 [B]. */
function labelTensorFrom(
  values: ArrayLike<number>,
  batchSize: number,
  numClasses: number,
  argument: string,
): Tensor1D {
  if (values.length !== batchSize) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have one label per input (length ${batchSize}), got length ${values.length}`,
      { argument },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new AnlError(
        'INVALID_LABELS',
        `${argument}[${i}] must be an integer class index in [0, ${numClasses}), got ${String(v)}`,
        { argument },
      );
    }
  }
  return tf.tensor1d(Array.from(values), 'int32');
}

function isArrayLike(labels: unknown): labels is ArrayLike<number> {
  return labels != null && typeof (labels as ArrayLike<number>).length === 'number';
}

/**
 * Checks `labels` against the batch size and the number of classes and returns them as an int32
 * tensor [B] the caller owns. Nothing is created when the check fails. Reads a tensor synchronously:
 * on backends without synchronous reads (webgpu in Node) use `toLabelTensorAsync`.
 */
export function toLabelTensor(
  labels: LabelsInput,
  batchSize: number,
  numClasses: number,
  argument: string,
): Tensor1D {
  if (labels instanceof tf.Tensor) {
    checkLabelRank(labels, batchSize, argument);
    return labelTensorFrom(labels.dataSync(), batchSize, numClasses, argument);
  }
  if (isArrayLike(labels)) return labelTensorFrom(labels, batchSize, numClasses, argument);
  return invalidArgument(argument, 'class indices (a tensor or an array of integers)', labels);
}

/** `toLabelTensor` with an asynchronous read of a tensor: works on every backend. */
export async function toLabelTensorAsync(
  labels: LabelsInput,
  batchSize: number,
  numClasses: number,
  argument: string,
): Promise<Tensor1D> {
  if (labels instanceof tf.Tensor) {
    checkLabelRank(labels, batchSize, argument);
    return labelTensorFrom(await labels.data(), batchSize, numClasses, argument);
  }
  if (isArrayLike(labels)) return labelTensorFrom(labels, batchSize, numClasses, argument);
  return invalidArgument(argument, 'class indices (a tensor or an array of integers)', labels);
}
