import { noiseLayer } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationStds, balancedIndices, gradientSimilarity } from '../src/probes';

// A model small enough to differentiate by hand: h = x W1 + b1 (noise layer on h), p = softmax(h W2 + b2).
const W1 = [
  [0.5, -0.2, 0.1],
  [0.3, 0.8, -0.6],
];
const B1 = [0.1, -0.1, 0.05];
const W2 = [
  [1.0, -0.5],
  [-0.3, 0.7],
  [0.2, 0.4],
];
const B2 = [0.05, -0.05];
const XS = [
  [1, 0],
  [0.9, 0.2],
  [0, 1],
  [0.1, 0.8],
  [0.5, 0.5],
];
const LABELS = [0, 0, 1, 1, 0];

function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [2] });
  const dense1 = tf.layers.dense({ units: 3, name: 'dense1' });
  const noise = noiseLayer({ name: 'noise_h' });
  const dense2 = tf.layers.dense({ units: 2, activation: 'softmax', name: 'dense2' });
  const output = dense2.apply(noise.apply(dense1.apply(input))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  dense1.setWeights([tf.tensor2d(W1), tf.tensor1d(B1)]);
  dense2.setWeights([tf.tensor2d(W2), tf.tensor1d(B2)]);
  return model;
}

const hidden = (x: number[]) => B1.map((b, j) => b + x[0] * W1[0][j] + x[1] * W1[1][j]);

/** ∂ CE / ∂ h = W2 (p - y), by hand. */
function handGradient(x: number[], label: number): number[] {
  const h = hidden(x);
  const z = B2.map((b, k) => b + h.reduce((s, hj, j) => s + hj * W2[j][k], 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const p = e.map((v) => v / e.reduce((a, b) => a + b, 0));
  const d = p.map((pk, k) => pk - (k === label ? 1 : 0));
  return W2.map((row) => row.reduce((s, w, k) => s + w * d[k], 0));
}

const cosine = (a: number[], b: number[]) =>
  a.reduce((s, v, i) => s + v * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));

describe('probes for the report figures', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = buildModel();
  });
  afterAll(() => model.dispose());

  it('activation std per noise layer is the std of h over every element of the probe batch', async () => {
    const values = XS.flatMap(hidden);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    const xs = tf.tensor2d(XS);
    const before = tf.memory().numTensors;
    const stds = await activationStds(model, xs);
    expect(tf.memory().numTensors).toBe(before);
    expect(stds).toHaveLength(1);
    expect(stds[0]).toBeCloseTo(std, 5);
    xs.dispose();
  });

  it('gradient similarity averages Eq. 5 over class pairs without the diagonal, from per-sample gradients', async () => {
    const grads = XS.map((x, i) => handGradient(x, LABELS[i]));
    const expected = [0, 1].map((a) =>
      [0, 1].map((b) => {
        let sum = 0;
        let count = 0;
        for (let i = 0; i < XS.length; i++)
          for (let j = 0; j < XS.length; j++) {
            if (i === j || LABELS[i] !== a || LABELS[j] !== b) continue;
            sum += cosine(grads[i], grads[j]);
            count++;
          }
        return sum / count;
      }),
    );
    const xs = tf.tensor2d(XS);
    const before = tf.memory().numTensors;
    const result = await gradientSimilarity(model, xs, Int32Array.from(LABELS), 2);
    expect(tf.memory().numTensors).toBe(before);
    xs.dispose();
    expect(result?.layer).toBe('noise_h');
    expect(result?.samplesPerClass).toBe(2);
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++) expect(result?.matrix[a][b]).toBeCloseTo(expected[a][b], 3);
    // Symmetric by construction of the cosine.
    expect(result?.matrix[0][1]).toBeCloseTo(result?.matrix[1][0] as number, 12);
  });

  it('balancedIndices takes the first n of every class in order', () => {
    expect(balancedIndices(Int32Array.from([2, 0, 0, 1, 2, 0, 1, 1]), 3, 2)).toEqual([0, 1, 2, 3, 4, 6]);
  });
});
