// Tiny models and data for the trainer's tests (not exported from the package).
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';
import { noiseLayer } from '../layers/noise-layer';

/** input [features] -> dense(hidden, tanh) -> noise -> dense(hidden, tanh) -> noise -> dense(classes, softmax). */
export function tinyDenseModel(
  options: { features?: number; hidden?: number; classes?: number; seed?: number } = {},
) {
  const { features = 4, hidden = 5, classes = 3, seed = 1 } = options;
  return sequential({
    layers: [
      layers.dense({
        inputShape: [features],
        units: hidden,
        activation: 'tanh',
        kernelInitializer: initializers.glorotUniform({ seed }),
      }),
      noiseLayer(),
      layers.dense({
        units: hidden,
        activation: 'tanh',
        kernelInitializer: initializers.glorotUniform({ seed: seed + 1 }),
      }),
      noiseLayer(),
      layers.dense({
        units: classes,
        activation: 'softmax',
        kernelInitializer: initializers.glorotUniform({ seed: seed + 2 }),
      }),
    ],
  });
}

/** input [8, 8, 1] -> conv(4, 3x3) -> noise -> relu -> conv(3, 3x3) -> noise -> relu -> flatten -> dense(classes, softmax). */
export function tinyConvModel(classes = 3): LayersModel {
  return sequential({
    layers: [
      layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3 }),
      noiseLayer(),
      layers.activation({ activation: 'relu' }),
      layers.conv2d({ filters: 3, kernelSize: 3 }),
      noiseLayer(),
      layers.activation({ activation: 'relu' }),
      layers.flatten(),
      layers.dense({ units: classes, activation: 'softmax' }),
    ],
  });
}

/** Deterministic pseudo-random floats in [-1, 1) (a linear congruential generator). */
export function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** `n` samples of shape `sampleShape` and labels `i mod classes`, as tensors (one-hot ys). */
export function tinyData(n: number, sampleShape: number[], classes: number, seed = 7) {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const xs = tf.tensor(pseudoRandom(n * size, seed), [n, ...sampleShape]);
  const ys = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32');
  return { xs, ys, labels };
}

/** Every trainable weight's values, for before/after comparisons. */
export function weightValues(model: LayersModel): Float32Array[] {
  return model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
}
