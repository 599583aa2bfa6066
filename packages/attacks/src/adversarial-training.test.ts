import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearGradient, linearModel, mlpModel, mulberry32, useCpu } from '../test/fixtures';
import { fgsmAdversarialTraining, pgdAdversarialTraining } from './adversarial-training';
import { fgsm } from './fgsm';
import { classifierFromLayersModel } from './layers-model-classifier';

beforeAll(useCpu);

const W = [
  [1.5, -2.0, 0.5],
  [-0.7, 0.3, 1.1],
  [0.2, 0.9, -1.4],
  [2.2, -0.4, -0.6],
];
const b = [0.1, -0.2, 0.05];

const rand = mulberry32(9);
const xs = Array.from({ length: 8 }, () => Array.from({ length: 4 }, () => rand()));
const labels = [0, 1, 2, 0, 1, 2, 2, 1];

function fgsmByHand(weights: number[][], x: number[], y: number, eps: number): number[] {
  const g = linearGradient(weights, b, x, y);
  return x.map((xi, i) => Math.min(1, Math.max(0, xi + eps * Math.sign(g[i]))));
}

describe('adversarial training transforms', () => {
  it('FGSM-AT returns the clean batch followed by its FGSM copy (true labels), ys twice', () => {
    const model = linearModel(W, b);
    const transform = fgsmAdversarialTraining(model, { eps: 0.05, bounds: [0, 1] });
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const out = transform({ xs: tf.tensor2d(xs), ys });
    expect(out.xs.shape).toEqual([16, 4]);
    const rows = out.xs.arraySync() as number[][];
    xs.forEach((x, n) => {
      x.forEach((v, i) => {
        expect(rows[n][i]).toBeCloseTo(v, 6);
      });
      const expected = fgsmByHand(W, x, labels[n], 0.05);
      expected.forEach((v, i) => {
        expect(rows[8 + n][i]).toBeCloseTo(v, 6);
      });
    });
    const oneHot = ys.arraySync() as number[][];
    expect(out.ys.arraySync()).toEqual([...oneHot, ...oneHot]);
  });

  it('attacks the CURRENT weights: changing the model changes the adversarial half', () => {
    const model = linearModel(W, b);
    const transform = fgsmAdversarialTraining(model, { delta: 12.75, bounds: [0, 1] });
    const W2 = W.map((row) => row.map((w) => -w));
    model.setWeights([tf.tensor2d(W2), tf.tensor1d(b)]);
    const out = transform({ xs: tf.tensor2d(xs), ys: tf.tensor1d(labels, 'int32') });
    const rows = out.xs.arraySync() as number[][];
    xs.forEach((x, n) => {
      fgsmByHand(W2, x, labels[n], 12.75 / 255).forEach((v, i) => {
        expect(rows[8 + n][i]).toBeCloseTo(v, 6);
      });
    });
  });

  it('PGD-AT attacks the model’s own predictions when asked by name (1 step of eps = FGSM on predictions)', () => {
    const model = mlpModel(4, 5, 3, 61);
    const transform = pgdAdversarialTraining(model, {
      eps: 8 / 255,
      steps: 1,
      stepSize: 8 / 255,
      randomStart: false,
      bounds: [0, 1],
      labels: 'predicted',
    });
    const x = tf.tensor2d(xs);
    // Labels that disagree with the predictions: they must be ignored.
    const out = transform({ xs: x, ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) });
    const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
    const expected = fgsm(classifier, x, { eps: 8 / 255, labels: 'predicted' });
    expect(tf.slice(out.xs, 8, 8).arraySync()).toEqual(expected.arraySync());
  });

  it('PGD-AT with the PNI settings keeps the adversarial half in the 8/255 ball and in [0, 1]', () => {
    const model = mlpModel(4, 5, 3, 62);
    const transform = pgdAdversarialTraining(model, {
      eps: 8 / 255,
      steps: 7,
      stepSize: 0.01,
      bounds: [0, 1],
      seed: 3,
    });
    const out = transform({ xs: tf.tensor2d(xs), ys: tf.tensor1d(labels, 'int32') });
    const rows = out.xs.arraySync() as number[][];
    xs.forEach((x, n) => {
      x.forEach((v, i) => {
        const adv = rows[8 + n][i];
        expect(Math.abs(adv - v)).toBeLessThanOrEqual(8 / 255 + 1e-6);
        expect(adv).toBeGreaterThanOrEqual(0);
        expect(adv).toBeLessThanOrEqual(1);
      });
    });
  });

  it('training: true runs the model in training mode while attacking (dropout changes the gradient)', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dropout({ inputShape: [4], rate: 0.5, seed: 1 }),
        tfl.layers.dense({
          units: 3,
          kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: 5 }),
        }),
      ],
    });
    const x = tf.tensor2d(xs);
    const evalMode = classifierFromLayersModel(model, { bounds: [0, 1] });
    const trainMode = classifierFromLayersModel(model, { bounds: [0, 1], training: true });
    const labelsT = tf.tensor1d(labels, 'int32');
    expect(evalMode.lossGradient(x, labelsT).arraySync()).toEqual(
      evalMode.lossGradient(x, labelsT).arraySync(),
    );
    // With dropout on, some input gradients are exactly zero (dropped), which never happens in eval mode here.
    const trained = Array.from(trainMode.lossGradient(x, labelsT).dataSync());
    expect(trained.some((v) => v === 0)).toBe(true);
    const evaluated = Array.from(evalMode.lossGradient(x, labelsT).dataSync());
    expect(evaluated.every((v) => Math.abs(v) > 1e-6)).toBe(true);
  });
});
