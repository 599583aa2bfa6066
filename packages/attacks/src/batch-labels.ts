import { AnlError, invalidArgument } from '@anl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingBatch } from './adversarial-training';

/** Checks a training batch { xs, ys } (ys one-hot [B, C] or class indices [B]). */
export function checkTrainingBatch(batch: TrainingBatch, numClasses: number): void {
  if (batch == null || !(batch.xs instanceof tf.Tensor) || !(batch.ys instanceof tf.Tensor)) {
    invalidArgument('batch', 'an object { xs, ys } of tfjs tensors', batch);
  }
  const { xs, ys } = batch;
  const oneHot = ys.rank === 2 && ys.shape[1] === numClasses;
  if ((!oneHot && ys.rank !== 1) || ys.shape[0] !== xs.shape[0]) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `batch.ys must be one-hot [${xs.shape[0]}, ${numClasses}] or class indices [${xs.shape[0]}], got [${ys.shape.join(', ')}]`,
      { argument: 'batch.ys' },
    );
  }
}

/** The batch's labels as int32 class indices [B] (argmax of one-hot targets); the caller disposes them. */
export function batchLabelIndices(ys: Tensor): Tensor1D {
  return tf.tidy(() => (ys.rank === 2 ? tf.argMax(ys, 1) : tf.cast(ys, 'int32')) as Tensor1D);
}
