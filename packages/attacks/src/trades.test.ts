import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { threeClassData, tinyDenseModel, useCpu } from '../test/fixtures';
import { klDivergence, tradesLoss, tradesObjective, tradesPerturb, tradesStep } from './trades';

beforeAll(useCpu);

const model = () => tinyDenseModel('tanh');
const data = (n: number) => threeClassData(n, 5);

const weights = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const logitsOf = (p: number[][]) => tf.log(tf.tensor2d(p)) as tf.Tensor2D;

describe('TRADES (Zhang et al. 2019)', () => {
  it('KL(p ‖ q) matches hand-computed values and vanishes for p = q', () => {
    // Σ p log(p/q): python3 -c "import math; print(sum(a*math.log(a/b) for a,b in zip(p,q)))"
    const kl = klDivergence(
      logitsOf([
        [0.7, 0.2, 0.1],
        [0.25, 0.25, 0.5],
      ]),
      logitsOf([
        [0.5, 0.3, 0.2],
        [0.1, 0.6, 0.3],
      ]),
    );
    const [a, b] = Array.from(kl.dataSync());
    expect(a).toBeCloseTo(0.0851228259572216, 6);
    expect(b).toBeCloseTo(0.2656183105130592, 6);
    expect(klDivergence(logitsOf([[0.7, 0.2, 0.1]]), logitsOf([[0.7, 0.2, 0.1]])).dataSync()[0]).toBeCloseTo(
      0,
      7,
    );
  });

  it('the loss is CE + β·mean KL; β = 0 is the cross-entropy', () => {
    const p = logitsOf([
      [0.7, 0.2, 0.1],
      [0.25, 0.25, 0.5],
    ]);
    const q = logitsOf([
      [0.5, 0.3, 0.2],
      [0.1, 0.6, 0.3],
    ]);
    const ys = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const ce = -(Math.log(0.7) + Math.log(0.25)) / 2;
    expect(tradesLoss(p, q, ys, 0).dataSync()[0]).toBeCloseTo(ce, 6);
    expect(tradesLoss(p, q, ys, 6).dataSync()[0]).toBeCloseTo(
      ce + (6 * (0.0851228259572216 + 0.2656183105130592)) / 2,
      5,
    );
    expect(() => tradesLoss(p, q, ys, -1)).toThrow(
      expect.objectContaining({ name: 'AnlError', argument: 'options.beta' }),
    );
  });

  it('with β = 0 a TRADES step gives exactly the weights of a clean cross-entropy step', () => {
    const d = data(16);
    const trades = model();
    const clean = model();
    const objective = tradesObjective(trades, { eps: 0.1, bounds: [0, 1], beta: 0, steps: 3 });
    const tradesOptimizer = tf.train.sgd(0.5);
    const cleanOptimizer = tf.train.sgd(0.5);
    for (let step = 0; step < 3; step++) {
      tf.dispose(tradesStep(objective, tradesOptimizer, d));
      tf.dispose(
        cleanOptimizer.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              d.ys,
              tf.log(clean.apply(d.xs, { training: true }) as tf.Tensor),
            ) as tf.Scalar,
          true,
        ) as tf.Scalar,
      );
    }
    const got = weights(trades);
    const want = weights(clean);
    got.forEach((w, i) => {
      w.forEach((v, j) => {
        expect(v).toBeCloseTo(want[i][j], 5);
      });
    });
    expect(got).not.toEqual(weights(model())); // the steps did move the weights
    tf.dispose([d.xs, d.ys]);
  });

  it('the inner maximisation stays in the eps-ball and the bounds and raises the KL', () => {
    const m = model();
    const d = data(32);
    const logits = (x: tf.Tensor) => tf.log(m.apply(x) as tf.Tensor) as tf.Tensor2D;
    const eps = 0.1;
    const before = tf.memory().numTensors;
    const start = tradesPerturb(logits, d.xs, { eps, steps: 0, stepSize: 0, bounds: [0, 1], seed: 3 });
    const xAdv = tradesPerturb(logits, d.xs, { eps, steps: 5, stepSize: 0.03, bounds: [0, 1], seed: 3 });
    expect(tf.memory().numTensors).toBe(before + 2);
    const x = d.xs.dataSync();
    const adv = xAdv.dataSync();
    for (let i = 0; i < x.length; i++) {
      expect(Math.abs(adv[i] - x[i])).toBeLessThanOrEqual(eps + 1e-6);
      expect(adv[i]).toBeGreaterThanOrEqual(0);
      expect(adv[i]).toBeLessThanOrEqual(1);
    }
    // The start is x + 0.001·N(0, 1) (clipped): within ~5e-3 of x.
    expect(tf.max(tf.abs(tf.sub(start, d.xs))).dataSync()[0]).toBeLessThan(0.006);
    const kl = (xs: tf.Tensor) =>
      tf.tidy(() => tf.mean(klDivergence(logits(d.xs), logits(xs))).dataSync()[0]);
    expect(kl(xAdv)).toBeGreaterThan(10 * kl(start));
    tf.dispose([d.xs, d.ys, start, xAdv]);
  });

  it('a TRADES step with β > 0 trains without leaking tensors; bad options are refused', () => {
    const m = model();
    const d = data(16);
    const objective = tradesObjective(m, { eps: 0.1, bounds: [0, 1], beta: 6, steps: 3, seed: 1 });
    const optimizer = tf.train.sgd(0.1);
    tf.dispose(tradesStep(objective, optimizer, d));
    const before = tf.memory().numTensors;
    const loss = tradesStep(objective, optimizer, d);
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const refused = (argument: string) => expect.objectContaining({ name: 'AnlError', argument });
    expect(() => tradesObjective(m, { eps: 0.1, bounds: [0, 1], beta: -0.5, steps: 3 })).toThrow(
      refused('options.beta'),
    );
    expect(() => tradesObjective(m, { eps: 0.1, bounds: [0, 1], beta: 1, steps: 1.5 })).toThrow(
      refused('options.steps'),
    );
    expect(() => tradesObjective(m, { eps: -0.1, bounds: [0, 1], beta: 1, steps: 2 })).toThrow(
      refused('options.eps'),
    );
    expect(() => tradesObjective(m, { eps: 0.1, bounds: [0, 1], beta: 1, steps: 2, stepSize: -1 })).toThrow(
      refused('options.stepSize'),
    );
    tf.dispose([d.xs, d.ys]);
  });
});
