import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, chainActivations } from './networks';
import { firstOfEachClass } from './robustness';
import { METHODS } from './settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const images = () => tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7);

describe('buildNetwork', () => {
  it('puts the noise after each conv of LeNet-5 and after each hidden dense layer of the MLP', () => {
    expect(buildNetwork('lenet5', 'anl', 1).noiseSites.map((s) => s.layer.getClassName())).toEqual([
      'Conv2D',
      'Conv2D',
    ]);
    const mlp = buildNetwork('mlp', 'canl', 1);
    expect(mlp.noiseSites.map((s) => s.name)).toEqual(['fc1', 'fc2']);
    expect(mlp.firstLayer.name).toBe('fc1');
    for (const n of [buildNetwork('lenet5', 'anl', 1), mlp]) n.model.dispose();
  });

  it('gives every method the same initial weights for the same seed (a fair baseline)', () => {
    for (const model of ['lenet5', 'mlp'] as const) {
      const baseline = buildNetwork(model, 'none', 3).model;
      for (const method of ['anl', 'pni'] as const) {
        const other = buildNetwork(model, method, 3).model;
        const ours = baseline.weights.map((w) => Array.from(w.read().dataSync()));
        // PNI adds one alpha per noise layer; every other weight is the baseline's.
        const theirs = other.weights
          .filter((w) => !w.originalName.endsWith('alpha'))
          .map((w) => Array.from(w.read().dataSync()));
        expect(theirs).toEqual(ours);
        other.dispose();
      }
      baseline.dispose();
    }
  });

  it('swaps in parametric noise layers for PNI, noisy at inference as the method wants', () => {
    const { model, noiseSites } = buildNetwork('lenet5', 'pni', 1);
    expect(model.layers.filter((l) => l.getClassName() === 'anl>ParametricNoise')).toHaveLength(2);
    expect(noiseSites).toHaveLength(2);
    const x = images();
    const a = model.predict(x) as tf.Tensor;
    const b = model.predict(x) as tf.Tensor;
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
  });
});

describe('disposing a network', () => {
  it('frees every tensor it made, for every model and method', () => {
    for (const name of ['lenet5', 'mlp'] as const) {
      for (const method of METHODS) {
        const before = tf.memory().numTensors;
        buildNetwork(name, method, 1).model.dispose();
        expect({ name, method, left: tf.memory().numTensors - before }).toEqual({ name, method, left: 0 });
      }
    }
  });
});

describe('chainActivations', () => {
  it("ends where tfjs's own predict ends, and returns the asked-for layers in order", () => {
    for (const name of ['lenet5', 'mlp'] as const) {
      const { model, noiseSites } = buildNetwork(name, 'anl', 2);
      const x = images();
      const last = model.layers[model.layers.length - 1];
      const before = tf.memory().numTensors;
      const [site1, site2, out] = chainActivations(model, x, [...noiseSites.map((s) => s.layer), last]);
      expect(tf.memory().numTensors).toBe(before + 3);
      const expected = model.predict(x) as tf.Tensor;
      expect(out.shape).toEqual([3, 10]);
      const got = out.dataSync();
      const want = expected.dataSync();
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 6);
      expect(site1.shape).toEqual(name === 'lenet5' ? [3, 28, 28, 6] : [3, 128]);
      expect(site2.shape).toEqual(name === 'lenet5' ? [3, 10, 10, 16] : [3, 64]);
      tf.dispose([x, site1, site2, out, expected]);
      model.dispose();
    }
  });
});

describe('firstOfEachClass', () => {
  it('finds the first index of every class present, in class order', () => {
    expect(firstOfEachClass(Int32Array.from([2, 0, 2, 1, 0]), 4)).toEqual([1, 3, 0]);
  });
});
