import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  finiteDifferenceGradient,
  linearGradient,
  linearModel,
  mlpLoss,
  mlpModel,
  mlpParams,
  mulberry32,
  useCpu,
} from '../test/fixtures';
import { fgsm, fgsmSweep } from './fgsm';
import { classifierFromLayersModel } from './layers-model-classifier';

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

/** Expected FGSM output from an independent gradient: clip(x + eps·sign(g)). */
function expectedFgsm(x: number[], g: number[], eps: number, lo: number, hi: number): number[] {
  return x.map((xi, i) => Math.min(hi, Math.max(lo, xi + eps * Math.sign(g[i]))));
}

describe('fgsm against independent gradients', () => {
  it('equals clip(x + eps·sign(W(p − y))) on a linear softmax model (closed form)', () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const xs = randomBatch(16, 4, 1);
    const labels = xs.map((_, i) => i % 3);
    const eps = 0.1;
    const adv = fgsm(classifier, tf.tensor2d(xs), { eps, labels }).arraySync() as number[][];
    xs.forEach((x, n) => {
      const g = linearGradient(W, b, x, labels[n]);
      const expected = expectedFgsm(x, g, eps, 0, 1);
      g.forEach((gi, i) => {
        if (Math.abs(gi) > 1e-4) expect(adv[n][i]).toBeCloseTo(expected[i], 6);
      });
    });
  });

  it('gives the same result whether the model outputs logits or softmax probabilities', () => {
    const xs = tf.tensor2d(randomBatch(8, 4, 2));
    const labels = [0, 1, 2, 0, 1, 2, 0, 1];
    const fromLogits = fgsm(classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] }), xs, {
      eps: 0.05,
      labels,
    });
    const fromProbabilities = fgsm(
      classifierFromLayersModel(linearModel(W, b, true), { bounds: [0, 1] }),
      xs,
      {
        eps: 0.05,
        labels,
      },
    );
    expect(fromProbabilities.arraySync()).toEqual(fromLogits.arraySync());
  });

  it('follows the sign of central finite differences on a tanh MLP', () => {
    const model = mlpModel(6, 5, 4, 11);
    const params = mlpParams(model);
    const classifier = classifierFromLayersModel(model, { bounds: [-1, 1] });
    const xs = randomBatch(10, 6, 3, -0.8, 0.8);
    const labels = xs.map((_, i) => i % 4);
    const eps = 0.05;
    const adv = fgsm(classifier, tf.tensor2d(xs), { eps, labels }).arraySync() as number[][];
    let compared = 0;
    xs.forEach((x, n) => {
      const g = finiteDifferenceGradient((v) => mlpLoss(params, v, labels[n]), x);
      const scale = Math.max(...g.map(Math.abs));
      g.forEach((gi, i) => {
        // float32 model vs float64 differences: only compare where the sign is unambiguous.
        if (Math.abs(gi) > 1e-3 * scale && Math.abs(gi) > 1e-5) {
          expect(adv[n][i] - x[i]).toBeCloseTo(eps * Math.sign(gi), 5);
          compared++;
        }
      });
    });
    expect(compared).toBeGreaterThan(50);
  });

  it('uses the model’s own predictions only when asked for by name; omitted labels are refused', () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const x = tf.tensor2d(randomBatch(6, 4, 4));
    const predicted = Array.from(classifier.predict(x).dataSync());
    expect(() => fgsm(classifier, x, { eps: 0.1 })).toThrow(/options.labels/);
    expect(fgsm(classifier, x, { eps: 0.1, labels: 'predicted' }).arraySync()).toEqual(
      fgsm(classifier, x, { eps: 0.1, labels: predicted }).arraySync(),
    );
  });

  it('reads delta on the 0–255 scale: delta = 8 on [0, 255] inputs moves pixels by 8', () => {
    const scaled = W.map((row) => row.map((w) => w / 255));
    const classifier = classifierFromLayersModel(linearModel(scaled, b), { bounds: [0, 255] });
    const xs = randomBatch(4, 4, 5, 20, 230);
    const labels = [0, 1, 2, 0];
    const adv = fgsm(classifier, tf.tensor2d(xs), { delta: 8, labels }).arraySync() as number[][];
    xs.forEach((x, n) => {
      const g = linearGradient(scaled, b, x, labels[n]);
      x.forEach((xi, i) => {
        expect(adv[n][i] - xi).toBeCloseTo(8 * Math.sign(g[i]), 3);
      });
    });
  });

  it('delta on [0, 1] inputs means eps = delta / 255', () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const x = tf.tensor2d(randomBatch(5, 4, 6));
    expect(fgsm(classifier, x, { delta: 4, labels: 'predicted' }).arraySync()).toEqual(
      fgsm(classifier, x, { eps: 4 / 255, labels: 'predicted' }).arraySync(),
    );
  });
});

describe('fgsm properties', () => {
  it('stays inside the eps-ball and the bounds for random inputs, eps and bounds', () => {
    const model = mlpModel(5, 4, 3, 21);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.1, max: 4, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (rows, eps, lo, span, seed) => {
          const hi = lo + span;
          const classifier = classifierFromLayersModel(model, { bounds: [lo, hi] });
          const xs = randomBatch(rows, 5, seed, lo, hi);
          const x = tf.tensor2d(xs);
          const adv = fgsm(classifier, x, { eps, labels: 'predicted' }).arraySync() as number[][];
          x.dispose();
          const tol = 1e-5 * Math.max(1, Math.abs(lo), Math.abs(hi));
          adv.forEach((row, n) => {
            row.forEach((v, i) => {
              expect(v).toBeGreaterThanOrEqual(lo - tol);
              expect(v).toBeLessThanOrEqual(hi + tol);
              expect(Math.abs(v - xs[n][i])).toBeLessThanOrEqual(eps + tol);
            });
          });
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it('targeted FGSM raises the probability of the target class', () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const xs = randomBatch(20, 4, 8, 0.2, 0.8);
    const targets = xs.map((_, i) => (i * 7) % 3);
    const x = tf.tensor2d(xs);
    const adv = fgsm(classifier, x, { eps: 0.05, targeted: true, targetLabels: targets });
    const before = tf.softmax(classifier.logits(x)).arraySync() as number[][];
    const after = tf.softmax(classifier.logits(adv)).arraySync() as number[][];
    targets.forEach((t, n) => {
      expect(after[n][t]).toBeGreaterThan(before[n][t]);
    });
    // And it equals the closed form x − eps·sign(dJ(target)/dx).
    const advRows = adv.arraySync() as number[][];
    xs.forEach((row, n) => {
      const g = linearGradient(W, b, row, targets[n]);
      row.forEach((xi, i) => {
        expect(advRows[n][i]).toBeCloseTo(xi - 0.05 * Math.sign(g[i]), 6);
      });
    });
  });

  it('fgsmSweep gives the same batches as one fgsm call per eps', () => {
    const classifier = classifierFromLayersModel(mlpModel(5, 4, 3, 31), { bounds: [0, 1] });
    const x = tf.tensor2d(randomBatch(7, 5, 9));
    const epsilons = [0, 0.01, 0.1, 0.3];
    const sweep = fgsmSweep(classifier, x, { epsilons, labels: 'predicted' });
    epsilons.forEach((eps, i) => {
      expect(sweep[i].arraySync()).toEqual(fgsm(classifier, x, { eps, labels: 'predicted' }).arraySync());
    });
    expect(sweep[0].arraySync()).toEqual(x.arraySync());
  });
});
