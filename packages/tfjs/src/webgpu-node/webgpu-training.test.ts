// Training on the tfjs webgpu backend (Dawn in Node; SwiftShader in CI) gives the cpu backend's losses.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { noiseLayer } from '../layers/noise-layer';
import { trainWithNoise } from '../training/train-with-noise';
import { startWebGpuForTests } from './webgpu-for-tests.test-helpers';

const gpu = await startWebGpuForTests();

/**
 * conv(3x3) -> noise -> relu -> maxpool -> conv(2x2) -> batchnorm -> noise -> relu -> dense(softmax).
 * The first noise point follows the first layer, so ANL's first-layer reuse runs; seeded initialisers,
 * so every backend builds the same weights.
 */
function convNet(): LayersModel {
  return sequential({
    layers: [
      layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        kernelInitializer: initializers.glorotUniform({ seed: 1 }),
      }),
      noiseLayer(),
      layers.activation({ activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({
        filters: 3,
        kernelSize: 2,
        kernelInitializer: initializers.glorotUniform({ seed: 2 }),
      }),
      layers.batchNormalization(),
      noiseLayer(),
      layers.activation({ activation: 'relu' }),
      layers.flatten(),
      layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
}

const SAMPLES = 16;
const inputs = Float32Array.from({ length: SAMPLES * 64 }, (_, i) => Math.sin(i * 1.7));
const labels = Int32Array.from({ length: SAMPLES }, (_, i) => i % 3);

/** Trains a fresh `convNet` on `backend`: 2 epochs of 2 batches, unshuffled; returns per-batch losses and final weights. */
async function trainOn(backend: string, method: string) {
  await tf.setBackend(backend);
  const model = convNet();
  const xs = tf.tensor4d(inputs, [SAMPLES, 8, 8, 1]);
  const ys = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32');
  const optimizer = tf.train.momentum(0.05, 0.9);
  const before = tf.memory().numTensors;
  const losses: number[] = [];
  await trainWithNoise(
    model,
    { xs, ys },
    {
      method: method as 'none',
      eps: method === 'none' ? undefined : 0.1,
      epochs: 2,
      batchSize: 8,
      optimizer,
      seed: 3,
      shuffle: false,
      callbacks: { onBatchEnd: (_b, logs) => void losses.push(logs?.loss ?? Number.NaN) },
    },
  );
  const weights = await Promise.all(model.getWeights().map((w) => w.data()));
  optimizer.dispose();
  const leaked = tf.memory().numTensors - before;
  tf.dispose([xs, ys]);
  model.dispose();
  return { losses, weights, leaked };
}

describe.skipIf(gpu.skipReason !== undefined)(`webgpu backend (${gpu.info?.description ?? 'none'})`, () => {
  for (const method of ['none', 'anl', 'canl', 'lat', 'gaussian', 'anp']) {
    it(`${method}: per-batch losses and final weights equal the cpu backend's`, async () => {
      const cpu = await trainOn('cpu', method);
      const webgpu = await trainOn('webgpu', method);
      expect(webgpu.losses).toHaveLength(4);
      for (let i = 0; i < cpu.losses.length; i++) expect(webgpu.losses[i]).toBeCloseTo(cpu.losses[i], 4);
      // The losses moved (the comparison is not between two untrained constants).
      expect(Math.abs(cpu.losses[3] - cpu.losses[0])).toBeGreaterThan(1e-3);
      for (let w = 0; w < cpu.weights.length; w++) {
        const a = cpu.weights[w];
        const b = webgpu.weights[w];
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        expect(worst).toBeLessThan(1e-4);
      }
      expect(webgpu.leaked).toBe(cpu.leaked);
    });
  }
});
