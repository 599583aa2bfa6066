import { trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { threeClassData, tinyDenseModel, useCpu } from '../test/fixtures';
import { catastrophicOverfittingGuard } from './catastrophic-overfitting-guard';
import { fastAdversarialTraining } from './fast-adversarial-training';
import { classifierFromLayersModel } from './layers-model-classifier';

beforeAll(useCpu);

const model = () => tinyDenseModel('relu');
const data = (n: number) => threeClassData(n, 4);

const values = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('fast adversarial training (Wong, Rice & Kolter 2020)', () => {
  it('with a zero ball (eps 0, step 0) trains to exactly the weights of clean training', async () => {
    const d = data(24);
    const train = async (transform: boolean) => {
      const m = model();
      await trainWithNoise(m, d, {
        method: 'none',
        epochs: 2,
        batchSize: 8,
        optimizer: tf.train.sgd(0.5),
        seed: 3,
        batchTransform: transform
          ? fastAdversarialTraining(m, { eps: 0, bounds: [0, 1], seed: 1 })
          : undefined,
      });
      return values(m);
    };
    const clean = await train(false);
    expect(await train(true)).toEqual(clean);
    tf.dispose([d.xs, d.ys]);
  });

  it('keeps x + δ inside the eps-ball and the bounds, moves up to eps, and raises the loss', () => {
    const m = model();
    const d = data(64);
    const eps = 0.1;
    const transform = fastAdversarialTraining(m, { eps, bounds: [0, 1], seed: 2 });
    const before = tf.memory().numTensors;
    const out = transform({ xs: d.xs, ys: d.ys }) as { xs: tf.Tensor; ys: tf.Tensor };
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(out.xs.shape).toEqual([64, 4]);
    const x = d.xs.dataSync();
    const adv = out.xs.dataSync();
    let moved = 0;
    for (let i = 0; i < x.length; i++) {
      expect(Math.abs(adv[i] - x[i])).toBeLessThanOrEqual(eps + 1e-6);
      expect(adv[i]).toBeGreaterThanOrEqual(0);
      expect(adv[i]).toBeLessThanOrEqual(1);
      if (Math.abs(Math.abs(adv[i] - x[i]) - eps) < 1e-6) moved++;
    }
    // A step of 1.25·eps from a point inside the ball lands on its edge unless the bounds clip it.
    expect(moved / x.length).toBeGreaterThan(0.5);
    const classifier = classifierFromLayersModel(m, { bounds: [0, 1] });
    const loss = (xs: tf.Tensor) =>
      tf.tidy(() => tf.losses.softmaxCrossEntropy(d.ys, classifier.logits(xs)).dataSync()[0]);
    expect(loss(out.xs)).toBeGreaterThan(loss(d.xs));
    expect(Array.from(out.ys.dataSync())).toEqual(Array.from(d.ys.dataSync()));
    const mixed = fastAdversarialTraining(m, { eps, bounds: [0, 1], mixClean: true })({
      xs: d.xs,
      ys: d.ys,
    }) as {
      xs: tf.Tensor;
      ys: tf.Tensor;
    };
    expect(mixed.xs.shape).toEqual([128, 4]);
    tf.dispose([d.xs, d.ys, out.xs, out.ys, mixed.xs, mixed.ys]);
  });

  it('refuses bad options with typed errors', () => {
    const m = model();
    const refused = (argument: string) => expect.objectContaining({ name: 'AnlError', argument });
    expect(() => fastAdversarialTraining(m, { eps: -0.1, bounds: [0, 1] })).toThrow(refused('options.eps'));
    expect(() => fastAdversarialTraining(m, { eps: 0.1, bounds: [0, 1], stepSize: -1 })).toThrow(
      refused('options.stepSize'),
    );
    expect(() => fastAdversarialTraining(m, { eps: 0.1, bounds: [1, 0] })).toThrow(refused('options.bounds'));
    const transform = fastAdversarialTraining(m, { eps: 0.1, bounds: [0, 1] });
    expect(() => transform({ xs: tf.zeros([2, 4]), ys: tf.zeros([3, 3]) })).toThrow(refused('batch.ys'));
  });
});

describe('catastrophicOverfittingGuard', () => {
  it('stops and restores the previous epoch when PGD accuracy drops by more than maxDrop', async () => {
    const m = model();
    const d = data(32);
    const guard = catastrophicOverfittingGuard(m, {
      heldOut: { xs: d.xs, labels: d.labels },
      eps: 0.02,
      bounds: [0, 1],
      steps: 3,
    });
    // Epoch 0: weights that classify the held-out batch well (trained here); epoch 1: the same
    // weights with the output layer negated, which flips the ranking (accuracy collapses).
    await trainWithNoise(
      m,
      { xs: d.xs, ys: d.ys },
      { method: 'none', epochs: 60, batchSize: 32, optimizer: tf.train.adam(0.05), seed: 1 },
    );
    expect(await guard.onEpochEnd(0)).toBeUndefined();
    const good = values(m);
    const goodAccuracy = guard.history[0].robustAccuracy;
    expect(goodAccuracy).toBeGreaterThan(0.6);
    const out = m.layers[1];
    out.setWeights(out.getWeights().map((w) => tf.neg(w)));
    const before = tf.memory().numTensors;
    expect(await guard.onEpochEnd(1)).toBe('stop');
    expect(guard.history[1].robustAccuracy).toBeLessThan(goodAccuracy - 0.2);
    expect(guard.stoppedAt).toBe(1);
    expect(values(m)).toEqual(good);
    guard.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    tf.dispose([d.xs, d.ys]);
  });

  it('runs as a trainWithNoise callback next to fast-AT, without leaking tensors', async () => {
    const m = model();
    const d = data(24);
    const guard = catastrophicOverfittingGuard(m, {
      heldOut: { xs: d.xs, labels: d.labels },
      eps: 0.05,
      bounds: [0, 1],
      steps: 2,
    });
    const options = {
      method: 'none' as const,
      epochs: 2,
      batchSize: 8,
      optimizer: tf.train.sgd(0.1),
      seed: 1,
      batchTransform: fastAdversarialTraining(m, { eps: 0.05, bounds: [0, 1], seed: 1 }),
      callbacks: [guard],
    };
    await trainWithNoise(m, { xs: d.xs, ys: d.ys }, options);
    const before = tf.memory().numTensors;
    await trainWithNoise(m, { xs: d.xs, ys: d.ys }, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(guard.history.map((h) => h.epoch)).toEqual([0, 1, 0, 1]);
    guard.dispose();
    tf.dispose([d.xs, d.ys]);
  });
});
