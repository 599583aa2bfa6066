import { toPniWeightModel, trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, useCpu } from '../test/fixtures';
import { pgdAdversarialTraining } from './adversarial-training';

beforeAll(useCpu);

describe('PNI-W trained with PGD adversarial training (the recipe of the PNI paper)', () => {
  it('learns the kernels and the alphas through trainWithNoise, noise on while attacking, without leaks', async () => {
    const plain = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [4],
          units: 6,
          activation: 'relu',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        tfl.layers.dense({
          units: 3,
          activation: 'softmax',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    const model = toPniWeightModel(plain, { granularity: 'channel', seed: 3 });
    const rand = mulberry32(4);
    const xs = Array.from({ length: 24 }, () => Array.from({ length: 4 }, () => rand()));
    const labels = xs.map((x) => (x[0] + x[1] > x[2] + x[3] ? 0 : x[0] > 0.5 ? 1 : 2));
    const data = { xs: tf.tensor2d(xs), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
    // PNI: loss 0.5·clean + 0.5·PGD (8/255, 7 steps of 0.01, random start), against the model's own
    // predictions, with the noise on inside the attack.
    const batchTransform = pgdAdversarialTraining(model, {
      eps: 8 / 255,
      steps: 7,
      stepSize: 0.01,
      bounds: [0, 1],
      training: true,
      seed: 1,
    });
    const options = {
      method: 'none' as const,
      epochs: 2,
      batchSize: 8,
      optimizer: tf.train.sgd(0.2),
      seed: 1,
      batchTransform,
    };
    const alphas = () =>
      model.layers
        .filter((l) => l.getClassName() === 'anl>PniDense')
        .map((l) => Array.from(l.getWeights().at(-1)!.dataSync()));
    const initial = alphas();
    expect(initial.flat().every((a) => a === 0.25)).toBe(true);
    await trainWithNoise(model, data, options);
    const before = tf.memory().numTensors;
    const history = await trainWithNoise(model, data, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    const trained = alphas();
    expect(trained.flat().some((a) => a !== 0.25)).toBe(true);
    tf.dispose([data.xs, data.ys]);
  });
});
