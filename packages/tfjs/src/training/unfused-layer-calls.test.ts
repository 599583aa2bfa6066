import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom } from './test-models';
import { withUnfusedLayerCalls } from './unfused-layer-calls';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Output and weight gradients of sum(model(x)^2) in training mode. */
function outputAndGradients(model: LayersModel, x: tf.Tensor) {
  const out = tf.tidy(() => (model.apply(x, { training: true }) as tf.Tensor).dataSync());
  const { grads } = tf.variableGrads(() =>
    tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)),
  );
  const values = Object.keys(grads)
    .sort()
    .map((k) => grads[k].dataSync());
  tf.dispose(grads);
  return { out, values };
}

const cases: [string, () => LayersModel, number[]][] = [
  [
    'conv same/strided/tanh + dense softmax',
    () =>
      sequential({
        layers: [
          layers.conv2d({
            inputShape: [7, 7, 2],
            filters: 3,
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            activation: 'tanh',
          }),
          layers.flatten(),
          layers.dense({ units: 4, activation: 'softmax' }),
        ],
      }),
    [2, 7, 7, 2],
  ],
  [
    'conv valid, no bias + dense relu',
    () =>
      sequential({
        layers: [
          layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, useBias: false }),
          layers.flatten(),
          layers.dense({ units: 3, activation: 'relu' }),
        ],
      }),
    [3, 8, 8, 1],
  ],
  [
    'conv channelsFirst',
    () =>
      sequential({
        layers: [
          layers.conv2d({ inputShape: [2, 6, 6], filters: 3, kernelSize: 3, dataFormat: 'channelsFirst' }),
          layers.flatten(),
          layers.dense({ units: 2 }),
        ],
      }),
    [2, 2, 6, 6],
  ],
];

describe('withUnfusedLayerCalls', () => {
  for (const [name, build, shape] of cases) {
    it(`${name}: same outputs and weight gradients as the layers' own (fused) calls`, () => {
      const model = build();
      const x = tf.tensor(
        pseudoRandom(
          shape.reduce((a, b) => a * b, 1),
          3,
        ),
        shape,
      );
      const fused = outputAndGradients(model, x);
      const unfused = withUnfusedLayerCalls(model, () => outputAndGradients(model, x));
      expect(maxAbsDiff(unfused.out, fused.out)).toBeLessThan(1e-5);
      unfused.values.forEach((g, i) => {
        expect(maxAbsDiff(g, fused.values[i])).toBeLessThan(1e-4);
      });
      x.dispose();
    });
  }

  it('restores every layer’s own call afterwards, also when the function throws', () => {
    const model = cases[0][1]();
    const calls = model.layers.map((l) => l.call);
    expect(() =>
      withUnfusedLayerCalls(model, () => {
        expect(model.layers[0].call).not.toBe(calls[0]);
        throw new Error('inside');
      }),
    ).toThrow('inside');
    model.layers.forEach((l, i) => {
      expect(l.call).toBe(calls[i]);
      expect(Object.hasOwn(l, 'call')).toBe(false);
    });
  });
});
