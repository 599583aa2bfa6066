import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BatchTransform } from '../src/adversarial-training';
import { mulberry32 } from './fixtures';

/**
 * A plain minibatch loop over a compiled model (independent of @anl/tfjs's trainer): shuffled batches,
 * each optionally replaced by `transform(batch)` (the batchTransform hook), then model.trainOnBatch.
 */
export async function trainEpochs(
  model: tfl.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  options: { epochs: number; batchSize: number; seed: number; transform?: BatchTransform },
): Promise<void> {
  const n = xs.shape[0];
  const rand = mulberry32(options.seed);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < n; start += options.batchSize) {
      const idx = tf.tensor1d(order.slice(start, start + options.batchSize), 'int32');
      const batch = { xs: tf.gather(xs, idx), ys: tf.gather(ys, idx) };
      const used = options.transform ? options.transform(batch) : batch;
      await model.trainOnBatch(used.xs, used.ys);
      tf.dispose([idx, batch.xs, batch.ys, used.xs, used.ys]);
    }
  }
}
