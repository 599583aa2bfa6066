import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearGradient, linearModel, mlpModel, mulberry32, useCpu } from '../test/fixtures';
import { fgsm } from './fgsm';
import { classifierFromLayersModel } from './layers-model-classifier';
import { pgd } from './pgd';

beforeAll(useCpu);

const W = [
  [1.5, -2.0, 0.5],
  [-0.7, 0.3, 1.1],
  [0.2, 0.9, -1.4],
  [2.2, -0.4, -0.6],
];
const b = [0.1, -0.2, 0.05];

function randomBatch(rows: number, cols: number, seed: number, lo = 0, hi = 1): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + (hi - lo) * rand()));
}

function l2(v: number[]): number {
  return Math.sqrt(v.reduce((a, x) => a + x * x, 0));
}

describe('pgd', () => {
  it('with one step, stepSize = eps and no random start equals FGSM exactly', () => {
    const classifier = classifierFromLayersModel(mlpModel(6, 5, 4, 41), { bounds: [0, 1] });
    const x = tf.tensor2d(randomBatch(12, 6, 1));
    for (const eps of [0.01, 0.1, 0.5]) {
      const viaPgd = pgd(classifier, x, {
        eps,
        steps: 1,
        stepSize: eps,
        randomStart: false,
        labels: 'predicted',
      });
      expect(viaPgd.arraySync()).toEqual(fgsm(classifier, x, { eps, labels: 'predicted' }).arraySync());
    }
  });

  it('L2: one step without random start moves x by stepSize·g/‖g‖₂ (closed-form gradient)', () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [-10, 10] });
    const xs = randomBatch(6, 4, 2);
    const labels = [0, 1, 2, 2, 1, 0];
    const adv = pgd(classifier, tf.tensor2d(xs), {
      eps: 1,
      steps: 1,
      stepSize: 0.3,
      norm: 'l2',
      randomStart: false,
      labels,
    }).arraySync() as number[][];
    xs.forEach((x, n) => {
      const g = linearGradient(W, b, x, labels[n]);
      const norm = l2(g);
      x.forEach((xi, i) => {
        expect(adv[n][i]).toBeCloseTo(xi + (0.3 * g[i]) / norm, 5);
      });
    });
  });

  it('raises the loss at least as much as FGSM on a linear model (more steps never undo FGSM there)', () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const x = tf.tensor2d(randomBatch(30, 4, 3, 0.2, 0.8));
    const labels = tf.tensor1d(
      Array.from({ length: 30 }, (_, i) => i % 3),
      'int32',
    );
    const loss = (input: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), classifier.logits(input)).dataSync()[0];
    const clean = loss(x);
    const one = loss(fgsm(classifier, x, { eps: 0.1, labels }));
    const many = loss(pgd(classifier, x, { eps: 0.1, steps: 10, stepSize: 0.025, labels, seed: 1 }));
    expect(one).toBeGreaterThan(clean);
    expect(many).toBeGreaterThanOrEqual(one - 1e-4);
  });

  it('is reproducible from its seed and the random start depends on it', () => {
    const classifier = classifierFromLayersModel(mlpModel(6, 5, 4, 42), { bounds: [0, 1] });
    const x = tf.tensor2d(randomBatch(4, 6, 4));
    const options = { eps: 0.2, steps: 2, stepSize: 0.01, labels: 'predicted' as const };
    const a = pgd(classifier, x, { ...options, seed: 5 }).arraySync();
    expect(pgd(classifier, x, { ...options, seed: 5 }).arraySync()).toEqual(a);
    expect(pgd(classifier, x, { ...options, seed: 6 }).arraySync()).not.toEqual(a);
  });

  it('works per image on 4-D batches: each image’s L2 perturbation is within eps', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [3, 3, 1] }),
        tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.randomNormal({ seed: 4 }) }),
      ],
    });
    const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
    const x = tf.tensor4d(randomBatch(5, 9, 12, 0.3, 0.7).flat(), [5, 3, 3, 1]);
    const eps = 0.4;
    const adv = pgd(classifier, x, {
      eps,
      steps: 5,
      stepSize: 0.2,
      norm: 'l2',
      seed: 2,
      labels: 'predicted',
    });
    expect(adv.shape).toEqual([5, 3, 3, 1]);
    const d = tf.reshape(tf.sub(adv, x), [5, 9]).arraySync() as number[][];
    const norms = d.map(l2);
    for (const n of norms) expect(n).toBeLessThanOrEqual(eps * (1 + 1e-5));
    // Away from the bounds, 5 steps of 0.2 reach the sphere of radius eps.
    expect(Math.max(...norms)).toBeGreaterThan(eps * 0.99);
  });

  for (const norm of ['linf', 'l2'] as const) {
    it(`${norm}: every output lies in the eps-ball and the bounds (random inputs, eps, steps)`, () => {
      const model = mlpModel(5, 4, 3, 43);
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.double({ min: 0.001, max: 1.5, noNaN: true }),
          fc.double({ min: 0.001, max: 1, noNaN: true }),
          fc.integer({ min: 1, max: 4 }),
          fc.boolean(),
          fc.integer({ min: 0, max: 1e6 }),
          (rows, eps, stepSize, steps, randomStart, seed) => {
            const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
            const xs = randomBatch(rows, 5, seed);
            const x = tf.tensor2d(xs);
            const adv = pgd(classifier, x, {
              eps,
              stepSize,
              steps,
              randomStart,
              norm,
              seed,
              labels: 'predicted',
            }).arraySync() as number[][];
            x.dispose();
            adv.forEach((row, n) => {
              const d = row.map((v, i) => v - xs[n][i]);
              for (const v of row) {
                expect(v).toBeGreaterThanOrEqual(0);
                expect(v).toBeLessThanOrEqual(1);
              }
              const size = norm === 'linf' ? Math.max(...d.map(Math.abs)) : l2(d);
              expect(size).toBeLessThanOrEqual(eps * (1 + 1e-5) + 1e-6);
            });
          },
        ),
        { numRuns: 30, seed: 11 },
      );
    });
  }
});
