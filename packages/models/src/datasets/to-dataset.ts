import { invalidArgument } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfd from '@tensorflow/tfjs-data';
import type { ImageSet } from './image-set';
import { seededUniform, shuffledIndices } from './seeded-random';

export interface ToDatasetOptions {
  batchSize: number;
  /** Reshuffle every pass (epoch) with a seeded permutation (default true). */
  shuffle?: boolean;
  /** Seed for the shuffling (default 0). */
  seed?: number;
  /** Applied to each batch's xs (e.g. `cropFlipAugmenter(seed)`); its input is disposed after. */
  transform?: (xs: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * A tf.data.Dataset of `{ xs, ys }` batches over an ImageSet, for `model.fitDataset` or
 * `trainWithNoise`. Each iteration (epoch) draws a new permutation from the seeded stream; the last
 * batch may be smaller. The dataset reads the set's tensors: keep them alive while it is in use.
 */
export function imageSetToDataset(
  set: ImageSet,
  options: ToDatasetOptions,
): tfd.Dataset<{ xs: tf.Tensor4D; ys: tf.Tensor2D }> {
  const { batchSize } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    invalidArgument('batchSize', 'a positive integer', batchSize);
  const shuffle = options.shuffle ?? true;
  const uniform = seededUniform(options.seed ?? 0);
  const n = set.labels.length;
  return tfd.generator(function* () {
    const order = shuffle ? shuffledIndices(n, uniform) : Int32Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += batchSize) {
      const batch = tf.tidy(() => {
        const idx = tf.tensor1d(order.subarray(start, Math.min(n, start + batchSize)), 'int32');
        const xs = tf.gather(set.xs, idx) as tf.Tensor4D;
        const ys = tf.gather(set.ys, idx) as tf.Tensor2D;
        return { xs: options.transform ? options.transform(xs) : xs, ys };
      });
      yield batch;
    }
  });
}
