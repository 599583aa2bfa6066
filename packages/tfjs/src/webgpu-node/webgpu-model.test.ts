// Model surgery, save/load, the PNI layer and long training on the tfjs webgpu backend.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../io/save-load';
import { parametricNoiseLayer } from '../layers/parametric-noise-layer';
import { insertNoiseLayers } from '../model-surgery/insert-noise-layers';
import { stripNoiseLayers } from '../model-surgery/strip-noise-layers';
import { tinyDenseModel } from '../training/test-models';
import { trainWithNoise } from '../training/train-with-noise';
import { startWebGpuForTests } from './webgpu-for-tests.test-helpers';

const gpu = await startWebGpuForTests();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function plainConvNet(): LayersModel {
  return sequential({
    layers: [
      layers.conv2d({
        inputShape: [6, 6, 1],
        filters: 3,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: initializers.glorotUniform({ seed: 4 }),
      }),
      layers.flatten(),
      layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: initializers.glorotUniform({ seed: 5 }),
      }),
    ],
  });
}

const x = () =>
  tf.tensor4d(
    Float32Array.from({ length: 8 * 36 }, (_, i) => Math.cos(i * 0.37)),
    [8, 6, 6, 1],
  );

describe.skipIf(gpu.skipReason !== undefined)('webgpu backend: surgery, save/load, PNI, leaks', () => {
  it('insert -> train (anl) -> strip -> save -> load gives the same predictions on webgpu and on cpu', async () => {
    await tf.setBackend('webgpu');
    const model = plainConvNet();
    const noisy = insertNoiseLayers(model, { after: 'Conv2D', method: 'anl' });
    expect(noisy.layers.length).toBe(model.layers.length + 2); // noise + the split-off activation
    const xs = x();
    const ys = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1], 'int32'), 2), 'float32');
    const before = await model.getWeights()[0].data();
    await trainWithNoise(
      noisy,
      { xs, ys },
      { method: 'anl', eps: 0.05, epochs: 1, batchSize: 4, optimizer: tf.train.sgd(0.5), seed: 1 },
    );
    const after = await model.getWeights()[0].data();
    expect(Math.max(...after.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(1e-4); // shared weights trained
    const clean = stripNoiseLayers(noisy);
    expect(clean.layers.some((l) => l.getClassName().startsWith('anl>'))).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'anl-webgpu-'));
    dirs.push(dir);
    await saveModel(clean, dir);
    const expected = (await (clean.predict(xs) as tf.Tensor).data()) as Float32Array;
    const loaded = await loadModel(dir);
    const onWebGpu = (await (loaded.predict(xs) as tf.Tensor).data()) as Float32Array;
    // The cpu backend, from the saved file, is the independent check of the webgpu forward pass.
    await tf.setBackend('cpu');
    const loadedCpu = await loadModel(dir);
    const xsCpu = x();
    const onCpu = (await (loadedCpu.predict(xsCpu) as tf.Tensor).data()) as Float32Array;
    for (let i = 0; i < expected.length; i++) {
      expect(onWebGpu[i]).toBeCloseTo(expected[i], 6);
      expect(onWebGpu[i]).toBeCloseTo(onCpu[i], 5);
    }
    tf.dispose([xsCpu]);
    loadedCpu.dispose();
    await tf.setBackend('webgpu');
    tf.dispose([xs, ys]);
    loaded.dispose();
    clean.dispose();
  });

  it('the PNI layer adds noise of std alpha * std(h) on webgpu', async () => {
    await tf.setBackend('webgpu');
    const model = sequential({ layers: [parametricNoiseLayer({ inputShape: [4096], alphaInit: 0.5 })] });
    const h = tf.tensor2d(
      Float32Array.from({ length: 2 * 4096 }, (_, i) => 3 * Math.sin(i * 0.01)),
      [2, 4096],
    );
    const out = model.predict(h) as tf.Tensor;
    const diff = (await tf.sub(out, h).data()) as Float32Array;
    const hv = (await h.data()) as Float32Array;
    const std = (v: Float32Array) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    const mean = diff.reduce((a, b) => a + b, 0) / diff.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    // 8,192 normal draws: the sample std is within 5 % of the true one with overwhelming probability.
    expect(std(diff) / (0.5 * std(hv))).toBeCloseTo(1, 1);
    tf.dispose([h, out]);
    model.dispose();
  });

  it('a synchronous read of GPU memory is a typed error; the async read gives the values', async () => {
    await tf.setBackend('webgpu');
    const a = tf.tensor1d(Float32Array.from({ length: 2048 }, (_, i) => i));
    const b = tf.mul(a, 2); // computed on the GPU (2,048 values: above tfjs' CPU hand-off size)
    expect(() => b.dataSync()).toThrow(AnlError);
    try {
      b.dataSync();
    } catch (e) {
      expect((e as AnlError).code).toBe('UNSUPPORTED');
      expect((e as AnlError).message).toContain('await tensor.data()');
    }
    const values = (await b.data()) as Float32Array;
    expect(values[0]).toBe(0);
    expect(values[2047]).toBe(4094);
    tf.dispose([a, b]);
  });

  it('200 ANL steps leave no tensors behind', async () => {
    await tf.setBackend('webgpu');
    const model = tinyDenseModel({ seed: 3 });
    const xs = tf.tensor2d(
      Float32Array.from({ length: 400 * 4 }, (_, i) => Math.sin(i)),
      [400, 4],
    );
    const ys = tf.cast(
      tf.oneHot(
        tf.tensor1d(
          Int32Array.from({ length: 400 }, (_, i) => i % 3),
          'int32',
        ),
        3,
      ),
      'float32',
    );
    const optimizer = tf.train.momentum(0.01, 0.9);
    const counts: number[] = [];
    await trainWithNoise(
      model,
      { xs, ys },
      {
        method: 'anl',
        eps: 0.05,
        epochs: 1,
        batchSize: 2,
        optimizer,
        seed: 2,
        callbacks: {
          onBatchEnd: (b) => void (b === 9 || b === 199 ? counts.push(tf.memory().numTensors) : 0),
        },
      },
    );
    expect(counts).toHaveLength(2);
    expect(counts[1]).toBe(counts[0]);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  });
});
