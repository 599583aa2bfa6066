import { noiseLayer, trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, useCpu } from '../test/fixtures';
import { fgsmAdversarialTraining, pgdAdversarialTraining } from './adversarial-training';

beforeAll(useCpu);

/** dense → ANL noise layer → relu → dense(3), seeded. */
function noisyModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [4],
        units: 6,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      noiseLayer(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

function data(n: number) {
  const rand = mulberry32(4);
  const xs = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rand()));
  const labels = xs.map((x) => (x[0] + x[1] > x[2] + x[3] ? 0 : x[0] > 0.5 ? 1 : 2));
  return { xs: tf.tensor2d(xs), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
}

describe('adversarial training through trainWithNoise (@anl/tfjs) with ANL noise layers', () => {
  for (const kind of ['fgsm', 'pgd'] as const) {
    it(`${kind}: every step sees clean + adversarial rows (2B), noise method unchanged, no leaks`, async () => {
      const model = noisyModel();
      const d = data(24);
      const transform =
        kind === 'fgsm'
          ? fgsmAdversarialTraining(model, { eps: 0.05, bounds: [0, 1] })
          : pgdAdversarialTraining(model, { eps: 8 / 255, steps: 3, stepSize: 0.01, bounds: [0, 1] });
      const sizes: number[] = [];
      const optimizer = tf.train.sgd(0.1);
      const train = (epochs: number) =>
        trainWithNoise(model, d, {
          method: 'anl',
          eps: 0.03,
          epochs,
          batchSize: 8,
          optimizer,
          seed: 1,
          batchTransform: transform,
          callbacks: { onBatchEnd: (_b, logs) => void sizes.push(logs!.size) },
        });
      const first = await train(1);
      const afterOne = tf.memory().numTensors;
      const history = await train(3);
      expect(tf.memory().numTensors).toBe(afterOne);
      expect(sizes).toEqual(Array(12).fill(16));
      expect([...first.history.loss, ...history.history.loss].every(Number.isFinite)).toBe(true);
    });
  }
});
