import '@tensorflow/tfjs-backend-cpu';
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveLoss } from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('losses', () => {
  it('categorical cross-entropy of probabilities: mean of -log p[true class], one-hot or integer labels', () => {
    const p = tf.tensor2d([
      [0.7, 0.2, 0.1],
      [0.25, 0.25, 0.5],
    ]);
    const expected = -(Math.log(0.7) + Math.log(0.5)) / 2;
    const loss = resolveLoss(undefined, undefined);
    expect(
      value(
        loss(
          tf.tensor2d([
            [1, 0, 0],
            [0, 0, 1],
          ]),
          p,
        ),
      ),
    ).toBeCloseTo(expected, 6);
    expect(value(loss(tf.tensor1d([0, 2], 'int32'), p))).toBeCloseTo(expected, 6);
    expect(
      value(resolveLoss('sparseCategoricalCrossentropy', undefined)(tf.tensor2d([[0], [2]]), p)),
    ).toBeCloseTo(expected, 6);
  });

  it('softmax cross-entropy of logits equals categorical cross-entropy of their softmax', () => {
    const logits = tf.tensor2d([
      [2, -1, 0.5],
      [0, 3, -2],
    ]);
    // Hand-computed: log-sum-exp minus the true logit.
    const lse = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    const expected = (lse([2, -1, 0.5]) - 2 + lse([0, 3, -2]) - -2) / 2;
    const y = tf.tensor1d([0, 2], 'int32');
    expect(value(resolveLoss('softmaxCrossEntropy', undefined)(y, logits))).toBeCloseTo(expected, 5);
    expect(value(resolveLoss('categoricalCrossentropy', undefined)(y, tf.softmax(logits)))).toBeCloseTo(
      expected,
      5,
    );
  });

  it('uses the compiled loss by its tfjs or Keras name, and a function loss averaged over samples', () => {
    const yTrue = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const yPred = tf.tensor2d([
      [1, 0],
      [0, 4],
    ]);
    // (0 + 4 + 9 + 0) / 4
    expect(value(resolveLoss(undefined, 'meanSquaredError')(yTrue, yPred))).toBeCloseTo(3.25, 6);
    expect(value(resolveLoss(undefined, 'mean_squared_error')(yTrue, yPred))).toBeCloseTo(3.25, 6);
    const perSample = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.abs(tf.sub(a, b)), -1);
    // (2 + 3) / 2
    expect(value(resolveLoss(perSample, 'meanSquaredError')(yTrue, yPred))).toBeCloseTo(2.5, 6);
  });

  it('refuses a compiled loss it does not know, and an unknown name', () => {
    expect(() => resolveLoss(undefined, 'hinge')).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
    expect(() => resolveLoss('hinge' as never, undefined)).toThrowError(AnlError);
  });
});
