import '@tensorflow/tfjs-backend-cpu';
import { trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { layers, sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

// Written against trainWithNoise's public behaviour only (where the shuffle lives may change): each
// row's single feature is its own index, and a batchTransform records the rows every step sees.

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ROWS = 24;

/** The row indices each epoch visited, in order, for one run. */
async function visitOrder(options: {
  seed: number;
  shuffle?: boolean;
  epochs?: number;
}): Promise<number[][]> {
  const model = sequential({ layers: [layers.dense({ inputShape: [1], units: 2, activation: 'softmax' })] });
  const xs = tf.tensor2d(Array.from({ length: ROWS }, (_, i) => [i]));
  const ys = tf.tidy(() =>
    tf.cast(
      tf.oneHot(
        tf.tensor1d(
          Array.from({ length: ROWS }, (_, i) => i % 2),
          'int32',
        ),
        2,
      ),
      'float32',
    ),
  );
  const epochs: number[][] = [];
  await trainWithNoise(
    model,
    { xs, ys },
    {
      method: 'none',
      epochs: options.epochs ?? 3,
      batchSize: 5,
      optimizer: tf.train.sgd(0.01),
      seed: options.seed,
      ...(options.shuffle === undefined ? {} : { shuffle: options.shuffle }),
      callbacks: { onEpochBegin: () => void epochs.push([]) },
      batchTransform: (batch) => {
        epochs[epochs.length - 1].push(...Array.from(batch.xs.dataSync(), Math.round));
        return batch;
      },
    },
  );
  tf.dispose([xs, ys]);
  model.dispose();
  return epochs;
}

const identity = Array.from({ length: ROWS }, (_, i) => i);
const sorted = (order: number[]) => [...order].sort((a, b) => a - b);

describe('trainWithNoise shuffles tensor data', () => {
  it('visits every row once per epoch, in a new order each epoch, by default', async () => {
    const epochs = await visitOrder({ seed: 1 });
    expect(epochs).toHaveLength(3);
    for (const order of epochs) expect(sorted(order)).toEqual(identity);
    expect(epochs[0]).not.toEqual(identity);
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[2]).not.toEqual(epochs[1]);
  });

  it('same seed, same orders; another seed, other orders', async () => {
    const a = await visitOrder({ seed: 1 });
    expect(await visitOrder({ seed: 1 })).toEqual(a);
    const b = await visitOrder({ seed: 2 });
    expect(b[0]).not.toEqual(a[0]);
    expect(b[1]).not.toEqual(a[1]);
  });

  it('shuffle: false keeps the rows in order every epoch', async () => {
    const epochs = await visitOrder({ seed: 1, shuffle: false, epochs: 2 });
    expect(epochs).toEqual([identity, identity]);
  });
});
