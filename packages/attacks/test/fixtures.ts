import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Small fixed models whose input gradients can be computed independently of tfjs, in float64. */

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32), independent of tfjs's RNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Linear softmax classifier: logits = x·W + b (W: [d][c]); `softmax` puts the softmax in the model. */
export function linearModel(W: number[][], b: number[], softmax = false): tfl.LayersModel {
  const d = W.length;
  const c = b.length;
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [d], units: c, activation: softmax ? 'softmax' : 'linear' })],
  });
  model.setWeights([tf.tensor2d(W), tf.tensor1d(b)]);
  return model;
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

/** Closed form dJ/dx of softmax cross-entropy for the linear model: W·(softmax(xW + b) − onehot(y)). */
export function linearGradient(W: number[][], b: number[], x: number[], y: number): number[] {
  const z = b.map((bj, j) => bj + x.reduce((a, xi, i) => a + xi * W[i][j], 0));
  const p = softmax(z);
  p[y] -= 1;
  return W.map((row) => row.reduce((a, w, j) => a + w * p[j], 0));
}

export interface MlpParams {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/** dense(hidden, tanh) → dense(classes) with seeded random weights. */
export function mlpModel(inputs: number, hidden: number, classes: number, seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [inputs],
        units: hidden,
        activation: 'tanh',
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed }),
        biasInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed: seed + 1 }),
      }),
      tfl.layers.dense({
        units: classes,
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: seed + 2 }),
        biasInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed: seed + 3 }),
      }),
    ],
  });
}

export function mlpParams(model: tfl.LayersModel): MlpParams {
  const [W1, b1, W2, b2] = model.getWeights().map((w) => w.arraySync());
  return { W1: W1 as number[][], b1: b1 as number[], W2: W2 as number[][], b2: b2 as number[] };
}

/** Cross-entropy of the MLP in float64 (no tfjs). */
export function mlpLoss(p: MlpParams, x: number[], y: number): number {
  const h = p.b1.map((bj, j) => Math.tanh(bj + x.reduce((a, xi, i) => a + xi * p.W1[i][j], 0)));
  const z = p.b2.map((bj, j) => bj + h.reduce((a, hi, i) => a + hi * p.W2[i][j], 0));
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  return lse - z[y];
}

/** Central finite differences of f at x, step h, in float64. */
export function finiteDifferenceGradient(f: (x: number[]) => number, x: number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** A 4 → 6 → 3 softmax network with seeded initial weights, for the training-method tests. */
export function tinyDenseModel(activation: 'relu' | 'tanh' = 'relu'): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [4],
        units: 6,
        activation,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

/** n points in [0, 1)^4 with a fixed 3-class rule (learnable by `tinyDenseModel`), seeded. */
export function threeClassData(n: number, seed: number) {
  const rand = mulberry32(seed);
  const xs = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rand()));
  const labels = xs.map((x) => (x[0] + x[1] > x[2] + x[3] ? 0 : x[0] > 0.5 ? 1 : 2));
  return { xs: tf.tensor2d(xs), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 3), labels };
}
