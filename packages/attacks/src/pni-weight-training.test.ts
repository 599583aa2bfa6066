import { toPniWeightModel, trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { threeClassData, tinyDenseModel, useCpu } from '../test/fixtures';
import { pgdAdversarialTraining } from './adversarial-training';

beforeAll(useCpu);

describe('PNI-W trained with PGD adversarial training (the recipe of the PNI paper)', () => {
  it('learns the kernels and the alphas through trainWithNoise, noise on while attacking, without leaks', async () => {
    const plain = tinyDenseModel('relu');
    const model = toPniWeightModel(plain, { granularity: 'channel', seed: 3 });
    const { xs, ys } = threeClassData(24, 4);
    const data = { xs, ys };
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
