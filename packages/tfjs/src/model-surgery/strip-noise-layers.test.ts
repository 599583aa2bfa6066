import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findNoiseLayers } from '../layers/find-noise-layers';
import { noiseLayer } from '../layers/noise-layer';
import { insertNoiseLayers } from './insert-noise-layers';
import { stripNoiseLayers } from './strip-noise-layers';
import {
  maxAbsDiff,
  predict,
  randomizeWeights,
  residualNet,
  sequentialCnn,
  twoInputNet,
} from './test-models.test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

describe('stripNoiseLayers', () => {
  it('gives a clean Sequential model predicting as the noisy one', () => {
    const base = sequentialCnn();
    const noisy = insertNoiseLayers(base, { after: ['Conv2D', 'BatchNormalization'], input: true });
    const clean = stripNoiseLayers(noisy);
    expect(clean).toBeInstanceOf(tf.Sequential);
    expect(findNoiseLayers(clean)).toEqual([]);
    // The copy looks like the model the noise went into: same layers, no explicit input layer.
    expect(clean.layers.map((l) => l.name)).toEqual(base.layers.map((l) => l.name));
    const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 9);
    const a = predict(noisy, x);
    const b = predict(clean, x);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    tf.dispose([x, a, b]);
  });

  it('strips a noise layer that was the first layer of a Sequential model', () => {
    const noisy = tf.sequential({
      layers: [noiseLayer({ inputShape: [4] }), tf.layers.dense({ units: 2, name: 'only' })],
    });
    const clean = stripNoiseLayers(noisy);
    expect(clean.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense']);
    expect(clean.inputs[0].shape).toEqual([null, 4]);
    const x = tf.randomNormal([3, 4]);
    const a = predict(noisy, x);
    const b = predict(clean, x);
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([x, a, b]);
  });

  it('gives a clean functional model with the residual add intact', () => {
    const noisy = insertNoiseLayers(residualNet(), { after: ['Conv2D', 'BatchNormalization'], input: true });
    const clean = stripNoiseLayers(noisy);
    expect(findNoiseLayers(clean)).toEqual([]);
    const add = clean.getLayer('res_add');
    expect(add.inboundNodes[0].inboundLayers.map((l) => l.name)).toEqual(['image', 'res_relu']);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 4);
    const a = predict(noisy, x);
    const b = predict(clean, x);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    tf.dispose([x, a, b]);
  });

  it('keeps a shared layer shared in the copy (two inputs)', () => {
    const noisy = insertNoiseLayers(twoInputNet(), { after: 'Dense', input: true });
    const clean = stripNoiseLayers(noisy);
    expect(clean.inputs).toHaveLength(2);
    expect(clean.getLayer('shared').inboundNodes).toHaveLength(2);
    expect(clean.countParams()).toBe(noisy.countParams());
    const xs = [tf.randomNormal([3, 4], 0, 1, 'float32', 1), tf.randomNormal([3, 4], 0, 1, 'float32', 2)];
    const a = predict(noisy, xs);
    const b = predict(clean, xs);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    tf.dispose([...xs, a, b]);
  });

  it('removes noise layers inside nested models', () => {
    const inner = tf.sequential({
      name: 'inner',
      layers: [tf.layers.dense({ inputShape: [4], units: 4 }), noiseLayer(), tf.layers.dense({ units: 4 })],
    });
    const x = tf.input({ shape: [4] });
    const y = tf.layers.dense({ units: 2 }).apply(noiseLayer().apply(inner.apply(x))) as tf.SymbolicTensor;
    const noisy = tf.model({ inputs: x, outputs: y });
    randomizeWeights(noisy);
    expect(findNoiseLayers(noisy)).toHaveLength(2);
    const clean = stripNoiseLayers(noisy);
    expect(findNoiseLayers(clean)).toEqual([]);
    const input = tf.randomNormal([5, 4]);
    const a = predict(noisy, input);
    const b = predict(clean, input);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    tf.dispose([input, a, b]);
  });

  it('copies weights: changing or disposing the noisy model leaves the clean one as it was', () => {
    const noisy = insertNoiseLayers(residualNet(), { after: 'Conv2D' });
    const clean = stripNoiseLayers(noisy);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 6);
    const before = predict(clean, x);
    randomizeWeights(noisy, 77);
    const changed = predict(noisy, x);
    expect(maxAbsDiff(before, changed)).toBeGreaterThan(1e-3);
    const after = predict(clean, x);
    expect(maxAbsDiff(before, after)).toBe(0);
    noisy.dispose();
    const afterDispose = predict(clean, x);
    expect(maxAbsDiff(before, afterDispose)).toBe(0);
    tf.dispose([x, before, changed, after, afterDispose]);
  });

  it('leaves no tensors behind once the copy is disposed', () => {
    const noisy = insertNoiseLayers(sequentialCnn(), { after: 'Conv2D' });
    stripNoiseLayers(noisy).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) stripNoiseLayers(noisy).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns an equivalent copy of a model without noise layers', () => {
    const model = residualNet();
    const copy = stripNoiseLayers(model);
    const x = tf.randomNormal([2, 8, 8, 2]);
    const a = predict(model, x);
    const b = predict(copy, x);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    tf.dispose([x, a, b]);
  });

  it('refuses what is not a built LayersModel', () => {
    expect(() => stripNoiseLayers(tf.layers.dense({ units: 1 }) as never)).toThrow(
      refused('INVALID_ARGUMENT', 'model'),
    );
    expect(() => stripNoiseLayers(tf.sequential())).toThrow(refused('INVALID_ARGUMENT', 'model'));
  });
});
