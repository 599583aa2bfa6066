import '@tensorflow/tfjs-backend-cpu';
import { noiseLayer, trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

// Expected values worked out by hand (not taken from @anl/core's noise functions): a 1-feature model
// h = x -> noise -> y_hat = 2 (h + eta), squared-error loss, learning rate 0 so the weight stays 2,
// one sample per batch, no shuffling. The logged per-batch loss reveals the noise that was injected.
//
//   batch 1: x = 1, y = 0. LAT has no previous gradient yet: eta = 0, loss = (2*1 - 0)^2 = 4.
//            dL/dh = 2 (2h - y) * 2 = 8 > 0, so sign = +1.
//   batch 2: x = 3, y = 10. eta = eps * sign(8) = +0.5: y_hat = 2 * 3.5 = 7, loss = (7 - 10)^2 = 9
//            (no noise would give 16, the opposite sign 25).

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function doublingModel() {
  return sequential({
    layers: [
      noiseLayer({ inputShape: [1], method: 'lat', name: 'noise' }),
      layers.dense({ units: 1, useBias: false, kernelInitializer: initializers.constant({ value: 2 }) }),
    ],
  });
}

async function batchLosses(method: 'lat' | 'none', eps: number): Promise<number[]> {
  const model = doublingModel();
  const xs = tf.tensor2d([[1], [3]]);
  const ys = tf.tensor2d([[0], [10]]);
  const losses: number[] = [];
  await trainWithNoise(
    model,
    { xs, ys },
    {
      method,
      ...(method === 'none' ? {} : { eps }),
      epochs: 1,
      batchSize: 1,
      shuffle: false,
      seed: 1,
      loss: 'meanSquaredError',
      optimizer: tf.train.sgd(0),
      callbacks: { onBatchEnd: (_batch, logs) => void losses.push(logs!.loss) },
    },
  );
  tf.dispose([xs, ys]);
  model.dispose();
  return losses;
}

describe('noise injected by trainWithNoise, against hand-computed values', () => {
  it('no noise: losses 4 and 16', async () => {
    const losses = await batchLosses('none', 0);
    expect(losses[0]).toBeCloseTo(4, 5);
    expect(losses[1]).toBeCloseTo(16, 5);
  });

  it('LAT eps 0.5: batch 2 gets +0.5 (the sign of batch 1 gradient), loss 9', async () => {
    const losses = await batchLosses('lat', 0.5);
    expect(losses[0]).toBeCloseTo(4, 5);
    expect(losses[1]).toBeCloseTo(9, 5);
  });

  it('LAT eps -0.5 (noise against the gradient): loss (2 * 2.5 - 10)^2 = 25', async () => {
    const losses = await batchLosses('lat', -0.5);
    expect(losses[1]).toBeCloseTo(25, 5);
  });
});
