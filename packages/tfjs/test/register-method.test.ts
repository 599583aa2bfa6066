import '@tensorflow/tfjs-backend-cpu';
import { AnlError, listNoiseMethods, registerNoiseMethod } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { layers, sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { noiseLayer, trainWithNoise } from '../src/index';
import { signFlipMethod } from './sign-flip-method';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerNoiseMethod(signFlipMethod);
});

/** input [2] -> dense(2, linear, weights given) -> noise -> dense(1, linear, weights given); MSE. */
function linearNet(method = 'sign-flip') {
  const model = sequential({
    layers: [
      layers.dense({
        inputShape: [2],
        units: 2,
        useBias: false,
        weights: [
          tf.tensor2d([
            [1, 0],
            [0, -1],
          ]),
        ],
      }),
      noiseLayer({ method }),
      layers.dense({ units: 1, useBias: false, weights: [tf.tensor2d([[1], [1]])] }),
    ],
  });
  return model;
}

describe('a method defined outside the packages, registered with registerNoiseMethod', () => {
  it('is listed, accepted by noiseLayer and trains through trainWithNoise exactly as derived by hand', async () => {
    expect(listNoiseMethods()).toContain('sign-flip');
    const model = linearNet();
    // One sample x = [1, 2], y = [0]; h = x W1 = [1, -2]; noise = gain·eps·sign(h) = 0.5·[1, -1] with
    // gain 2, eps 0.25; ĥ = [1.5, -2.5]; out = ĥ W2 = -1; MSE loss = 1; dJ/dout = 2·(-1) = -2.
    // dW2 = ĥᵀ·(-2) = [[-3], [5]]; dW1 = xᵀ (dJ/dĥ) = xᵀ [-2, -2] = [[-2, -2], [-4, -4]].
    // SGD lr 0.1: W2 = [[1.3], [0.5]]; W1 = [[1.2, 0.2], [0.4, -0.6]].
    const history = await trainWithNoise(model, [tf.tensor2d([[1, 2]]), tf.tensor2d([[0]])], {
      method: 'sign-flip',
      methodOptions: { 'sign-flip': { gain: 2 } },
      eps: 0.25,
      epochs: 1,
      batchSize: 1,
      optimizer: tf.train.sgd(0.1),
      loss: 'meanSquaredError',
      seed: 1,
    });
    expect(history.history.loss[0]).toBeCloseTo(1, 6);
    const [w1, w2] = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(w1.map((v) => Number(v.toFixed(6)))).toEqual([1.2, 0.2, 0.4, -0.6]);
    expect(w2.map((v) => Number(v.toFixed(6)))).toEqual([1.3, 0.5]);
  });

  it('checks its own options by name', async () => {
    const error = await trainWithNoise(linearNet(), [tf.zeros([1, 2]), tf.zeros([1, 1])], {
      method: 'sign-flip',
      methodOptions: { 'sign-flip': { gian: 2 } },
      eps: 0.1,
      epochs: 1,
      optimizer: tf.train.sgd(0.1),
      loss: 'meanSquaredError',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnlError);
    expect(error).toMatchObject({ argument: 'options.methodOptions.sign-flip.gian' });
  });
});
