import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNoiseLayers } from '../layers/find-noise-layers';
import { NoiseLayer, noiseLayer } from '../layers/noise-layer';
import { ParametricNoiseLayer, parametricNoiseLayer } from '../layers/parametric-noise-layer';
import { insertNoiseLayers } from '../model-surgery/insert-noise-layers';
import { stripNoiseLayers } from '../model-surgery/strip-noise-layers';
import { maxAbsDiff, predict, residualNet, sequentialCnn } from '../model-surgery/test-models.test-helpers';
import { registerFileSystemRouter } from './file-router';
import { fileSystemHandler } from './file-system-handler';
import { loadModel, saveModel } from './save-load';

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'anl-io-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

async function expectSamePredictions(a: tf.LayersModel, b: tf.LayersModel, shape: number[]) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 12);
  const pa = predict(a, x);
  const pb = predict(b, x);
  expect(maxAbsDiff(pa, pb)).toBe(0);
  tf.dispose([x, pa, pb]);
}

describe('saveModel / loadModel', () => {
  it('round-trips a functional model with noise layers, and its stripped copy', async () => {
    const noisy = insertNoiseLayers(residualNet(), {
      after: 'BatchNormalization',
      input: true,
      stddev: 0.05,
    });
    const dir = join(root, 'noisy');
    await saveModel(noisy, dir);
    const loaded = await loadModel(dir);
    const noise = findNoiseLayers(loaded);
    expect(noise.map((l) => l.name)).toEqual(['image/anl_noise', 'res_bn/anl_noise']);
    expect(noise.every((l) => l instanceof NoiseLayer && l.stddev === 0.05)).toBe(true);
    await expectSamePredictions(noisy, loaded, [2, 8, 8, 2]);

    const clean = stripNoiseLayers(loaded);
    const cleanDir = join(root, 'clean');
    await saveModel(clean, `file://${cleanDir}`);
    const cleanLoaded = await loadModel(cleanDir);
    expect(findNoiseLayers(cleanLoaded)).toEqual([]);
    await expectSamePredictions(noisy, cleanLoaded, [2, 8, 8, 2]);
  });

  it('round-trips a Sequential model and writes tfjs-node’s layout', async () => {
    const model = insertNoiseLayers(sequentialCnn(), { after: 'Conv2D' });
    const dir = join(root, 'sequential');
    await saveModel(model, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    // float32 weights: 4 bytes per parameter, BN moving statistics included.
    const params = model.weights.reduce((n, w) => n + (w.shape as number[]).reduce((p, d) => p * d, 1), 0);
    expect((await stat(join(dir, 'weights.bin'))).size).toBe(4 * params);
    const loaded = await loadModel(dir);
    expect(loaded).toBeInstanceOf(tf.Sequential);
    await expectSamePredictions(model, loaded, [3, 8, 8, 1]);
    // The same files load through tfjs's own in-memory path.
    const fromFiles = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: new Uint8Array(await readFile(join(dir, 'weights.bin'))).buffer,
      }),
    );
    await expectSamePredictions(model, fromFiles, [3, 8, 8, 1]);
  });

  it('loads a hand-written model.json + weights.bin with known values', async () => {
    const dir = join(root, 'hand');
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, name: 'd' })] });
    const topology = model.toJSON(undefined, false);
    await saveModel(model, dir); // creates the directory; both files are overwritten below
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({
        modelTopology: topology,
        format: 'layers-model',
        weightsManifest: [
          {
            paths: ['weights.bin'],
            weights: [
              { name: 'd/kernel', shape: [2, 1], dtype: 'float32' },
              { name: 'd/bias', shape: [1], dtype: 'float32' },
            ],
          },
        ],
      }),
    );
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(Float32Array.of(2, 3, 1).buffer));
    const loaded = await loadModel(dir);
    const y = loaded.predict(tf.tensor2d([[1, 1]])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([2 + 3 + 1]);
    y.dispose();
  });

  it('refuses a missing directory, missing or corrupt files with typed errors naming the path', async () => {
    const missing = join(root, 'does-not-exist');
    await expect(loadModel(missing)).rejects.toThrow(refused('NOT_FOUND', 'dir'));
    await expect(loadModel(missing)).rejects.toThrow(missing);

    const dir = join(root, 'broken');
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    await saveModel(model, dir);
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(4));
    await expect(loadModel(dir)).rejects.toThrow(refused('DATA_FORMAT', 'dir'));
    await rm(join(dir, 'weights.bin'));
    await expect(loadModel(dir)).rejects.toThrow(refused('NOT_FOUND', 'dir'));
    await writeFile(join(dir, 'model.json'), '{ not json');
    await expect(loadModel(dir)).rejects.toThrow(refused('DATA_FORMAT', 'dir'));
    await rm(join(dir, 'model.json'));
    await expect(loadModel(dir)).rejects.toThrow(refused('NOT_FOUND', 'dir'));
  });

  it('refuses bad arguments before touching the disk', async () => {
    await expect(saveModel({} as never, join(root, 'x'))).rejects.toThrow(
      refused('INVALID_ARGUMENT', 'model'),
    );
    await expect(loadModel('')).rejects.toThrow(refused('INVALID_ARGUMENT', 'dir'));
    expect(() => fileSystemHandler(42 as never)).toThrow(refused('INVALID_ARGUMENT', 'dir'));
    await expect(stat(join(root, 'x'))).rejects.toThrow();
  });

  it('does not leak tensors across saves and loads', async () => {
    const model = sequentialCnn();
    const dir = join(root, 'leak');
    await saveModel(model, dir);
    (await loadModel(dir)).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await saveModel(model, dir);
      (await loadModel(dir)).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('registerFileSystemRouter', () => {
  it('makes file:// URLs work with model.save and tf.loadLayersModel, once', async () => {
    expect(registerFileSystemRouter()).toBe(true);
    expect(registerFileSystemRouter()).toBe(true);
    expect(tf.io.getSaveHandlers('file://somewhere')).toHaveLength(1);
    const model = insertNoiseLayers(sequentialCnn(), { after: 'Dense' });
    const dir = join(root, 'router');
    await model.save(`file://${dir}`);
    const viaFile = await tf.loadLayersModel(`file://${dir}/model.json`);
    const viaDir = await tf.loadLayersModel(`file://${dir}`);
    await expectSamePredictions(model, viaFile, [2, 8, 8, 1]);
    await expectSamePredictions(model, viaDir, [2, 8, 8, 1]);
    expect(findNoiseLayers(viaFile)).toHaveLength(1);
  });
});

describe('saveModel with training state and PNI', () => {
  it('keeps the optimizer state and training config with includeOptimizer', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.dense({ units: 2 })],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([8, 4], 0, 1, 'float32', 1);
    const ys = tf.randomNormal([8, 2], 0, 1, 'float32', 2);
    await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
    const dir = join(root, 'with-optimizer');
    await saveModel(model, dir, { includeOptimizer: true });
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    // Keras's own (pythonic) spelling in the file.
    expect(json.trainingConfig.loss).toBe('mean_squared_error');
    const optimizerWeights = json.weightsManifest[0].weights.filter(
      (w: { group?: string }) => w.group === 'optimizer',
    );
    expect(optimizerWeights.length).toBeGreaterThan(0);
    const loaded = await loadModel(dir);
    expect(loaded.optimizer).toBeDefined();
    const savedState = await model.optimizer.getWeights();
    const loadedState = await loaded.optimizer.getWeights();
    expect(loadedState.map((w) => w.name)).toEqual(savedState.map((w) => w.name));
    for (let i = 0; i < savedState.length; i++)
      expect(maxAbsDiff(savedState[i].tensor, loadedState[i].tensor)).toBe(0);
    tf.dispose([xs, ys]);
  });

  it('keeps a ParametricNoiseLayer and its learned alpha through strip, save and load', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3 }),
        parametricNoiseLayer({ alphaInit: 0.7, activeAtInference: false }),
        noiseLayer({ method: 'anl' }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const clean = stripNoiseLayers(model);
    expect(clean.layers.map((l) => l.getClassName())).toEqual(['Dense', 'anl>ParametricNoise', 'Dense']);
    const dir = join(root, 'pni');
    await saveModel(clean, dir);
    const loaded = await loadModel(dir);
    const pni = loaded.layers[1] as ParametricNoiseLayer;
    expect(pni).toBeInstanceOf(ParametricNoiseLayer);
    expect(Array.from(pni.getWeights()[0].dataSync())).toEqual([Math.fround(0.7)]);
    await expectSamePredictions(model, loaded, [2, 4]);
  });
});
