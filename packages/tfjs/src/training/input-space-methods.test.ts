import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { layers, sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyData, tinyDenseModel } from './test-models';
import { TfjsTrainableModel } from './tfjs-trainable-model';
import { trainWithNoise } from './train-with-noise';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Weights after 2 epochs of `method` on the tiny data set, every run from the same start and order. */
async function trained(method: string, eps: number, methodOptions?: Record<string, unknown>) {
  const model = tinyDenseModel({ hidden: 6, seed: 3 });
  const data = tinyData(20, [4], 3, 11);
  await trainWithNoise(model, data, {
    method,
    eps,
    epochs: 2,
    batchSize: 8,
    optimizer: tf.train.sgd(0.1),
    seed: 42,
    methodOptions: methodOptions === undefined ? undefined : { [method]: methodOptions },
  });
  const weights = model.trainableWeights.map((w) => Array.from(w.read().dataSync() as Float32Array));
  tf.dispose([data.xs, data.ys]);
  model.dispose();
  return weights;
}

describe('input-space methods through trainWithNoise (the registry path)', () => {
  it('TRADES with beta 0 and fast-AT with eps 0 equal clean training, bit for bit', async () => {
    const clean = await trained('none', 0);
    expect(await trained('trades', 0.1, { beta: 0 })).toEqual(clean);
    expect(await trained('fast-at', 0)).toEqual(clean);
    // ...and a real TRADES / fast-AT run does not.
    expect(await trained('trades', 0.1, { beta: 1, steps: 2 })).not.toEqual(clean);
    expect(await trained('fast-at', 0.1)).not.toEqual(clean);
  });

  it('trains a model without noise layers, frees every tensor, and the KL term has the weight gradients of finite differences', async () => {
    const model = sequential({
      layers: [
        layers.dense({ inputShape: [4], units: 5, activation: 'tanh', kernelInitializer: 'glorotUniform' }),
        layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const data = tinyData(16, [4], 3, 5);
    const before = tf.memory().numTensors;
    for (const method of ['fgsm-at', 'pgd-at', 'fast-at', 'trades']) {
      const optimizer = tf.train.sgd(0.05);
      const history = await trainWithNoise(model, data, {
        method,
        eps: 0.1,
        epochs: 1,
        batchSize: 8,
        optimizer,
        seed: 1,
        methodOptions: { 'pgd-at': { steps: 2 }, trades: { steps: 2 } },
      });
      expect(Number.isFinite(history.history.loss[0])).toBe(true);
      optimizer.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);

    // d/dW of KL(p(x0) ‖ p(x1)) at one kernel element against a central difference.
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0) });
    const x1 = tf.add(data.xs, 0.3);
    const request = {
      inputs: [data.xs, x1],
      y: data.ys,
      batchSize: 16,
      terms: [{ kind: 'kl' as const, from: 0, to: 1, weight: 1 }],
      inputGradients: [],
    };
    const r = trainable.doLossPass({ ...request, weightGradients: true });
    const kernel = model.trainableWeights[0].read() as tf.Variable;
    const g = (r.weightGradients as tf.NamedTensorMap)[kernel.name].dataSync()[2];
    const original = kernel.dataSync().slice();
    const lossWith = (delta: number) => {
      const bumped = original.slice();
      bumped[2] += delta;
      kernel.assign(tf.tensor(bumped, kernel.shape));
      const p = trainable.doLossPass({ ...request, weightGradients: false });
      const v = p.loss.dataSync()[0];
      tf.dispose(p.loss);
      return v;
    };
    const fd = (lossWith(1e-2) - lossWith(-1e-2)) / 2e-2;
    kernel.assign(tf.tensor(original, kernel.shape));
    expect(Math.abs(fd - g)).toBeLessThan(2e-2 * Math.max(Math.abs(g), 1e-2));
    tf.dispose([x1, r.loss, ...Object.values(r.weightGradients as tf.NamedTensorMap), data.xs, data.ys]);
    model.dispose();
  });

  it('refuses a negative radius and bad options by name, before any step', async () => {
    const model = tinyDenseModel({ hidden: 6, seed: 3 });
    const data = tinyData(8, [4], 3, 11);
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    const run = (options: Record<string, unknown>) =>
      trainWithNoise(model, data, { epochs: 1, optimizer: tf.train.sgd(0.1), ...options } as never);
    await expect(run({ method: 'pgd-at', eps: -0.1 })).rejects.toMatchObject({ argument: 'options.eps' });
    await expect(
      run({ method: 'trades', eps: 0.1, methodOptions: { trades: { beta: -1 } } }),
    ).rejects.toMatchObject({
      argument: 'options.methodOptions.trades.beta',
    });
    await expect(
      run({ method: 'trades', eps: 0.1, methodOptions: { trades: { steps: 0 } } }),
    ).rejects.toMatchObject({
      argument: 'options.methodOptions.trades.steps',
    });
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    tf.dispose([data.xs, data.ys]);
    model.dispose();
  });
});
