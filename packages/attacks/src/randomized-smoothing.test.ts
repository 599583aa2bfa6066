import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Classifier } from './classifier';
import {
  ABSTAIN,
  type Certificate,
  certifiedAccuracy,
  certify,
  gaussianAugmentation,
  smoothPredict,
} from './randomized-smoothing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A hand-made classifier: only `predict` matters to smoothing. */
function classifierOf(numClasses: number, predict: (x: tf.Tensor) => tf.Tensor1D): Classifier {
  const unused = () => {
    throw new Error('not used by smoothing');
  };
  return { bounds: [-100, 100], numClasses, logits: unused, lossGradient: unused, predict };
}

/** Always class 2: its probability under any noise is 1. */
const constant = classifierOf(3, (x) => tf.fill([x.shape[0]], 2, 'int32') as tf.Tensor1D);
/** Class 0 for the first half of every batch, 1 for the rest: probabilities exactly 1/2. */
const halves = classifierOf(2, (x) => {
  const b = x.shape[0];
  return tf.tensor1d(
    Array.from({ length: b }, (_, i) => (i < b / 2 ? 0 : 1)),
    'int32',
  );
});
/** Class 1 iff the (1-D) input is > 0: at x = c under N(0, σ²), P(class 1) = Φ(c/σ). */
const threshold = classifierOf(2, (x) =>
  tf.tidy(() => tf.cast(tf.greater(tf.reshape(x, [-1]), 0), 'int32') as tf.Tensor1D),
);

const refused = (argument: string) =>
  expect.objectContaining({ name: 'AnlError', code: 'INVALID_ARGUMENT', argument });

describe('randomised smoothing (Cohen, Rosenfeld & Kolter 2019)', () => {
  it('certifies σ·Φ⁻¹(α^(1/n)) for a class of probability 1 (Clopper–Pearson closed form for k = n)', async () => {
    const x = tf.zeros([2, 3]);
    const [a, b] = await certify(constant, x, { sigma: 0.5, n0: 10, n: 100, alpha: 0.001, batchSize: 32 });
    // python3: 0.5 * NormalDist().inv_cdf(0.001 ** (1 / 100))
    expect(a.prediction).toBe(2);
    expect(a.radius).toBeCloseTo(0.7502375120603179, 10);
    expect(a.pALower).toBeCloseTo(0.001 ** (1 / 100), 12);
    expect(a.counts).toEqual([0, 0, 100]);
    expect(b.radius).toBeCloseTo(a.radius, 12);
    const [c] = await certify(constant, tf.zeros([1, 3]), { sigma: 0.25, n0: 1, n: 1000, alpha: 0.01 });
    expect(c.radius).toBeCloseTo(0.6512337854528918, 10); // 0.25 · Φ⁻¹(0.01^(1/1000))
    x.dispose();
  });

  it('abstains when the lower bound falls under 1/2, and predicts only significant majorities', async () => {
    const x = tf.zeros([1, 4]);
    const [cert] = await certify(halves, x, { sigma: 1, n0: 10, n: 1000, alpha: 0.001, batchSize: 100 });
    expect(cert).toMatchObject({ prediction: ABSTAIN, radius: 0 });
    expect(cert.pALower).toBeLessThan(0.5);
    const [prediction] = await smoothPredict(halves, x, { sigma: 1, n: 1000, alpha: 0.001, batchSize: 100 });
    expect(prediction).toEqual({ prediction: ABSTAIN, counts: [500, 500] });
    const [sure] = await smoothPredict(constant, x, { sigma: 1, n: 20, alpha: 0.001 });
    expect(sure.prediction).toBe(2); // binomial test p = 2 / 2^20
    const [tooFew] = await smoothPredict(constant, x, { sigma: 1, n: 9, alpha: 0.001 });
    expect(tooFew.prediction).toBe(ABSTAIN); // p = 2 / 2^9 > 0.001
    x.dispose();
  });

  it('certifies at most the true distance to the boundary, and nearly all of it with many samples', async () => {
    // Smoothed threshold classifier at x = 0.5, σ = 0.5: p_A = Φ(1); its exact radius σ·Φ⁻¹(p_A) = 0.5.
    const x = tf.tensor2d([[0.5], [-0.8], [0]]);
    const certs = await certify(threshold, x, {
      sigma: 0.5,
      n0: 100,
      n: 20_000,
      alpha: 0.001,
      batchSize: 5000,
      seed: 3,
    });
    expect(certs[0].prediction).toBe(1);
    expect(certs[0].radius).toBeLessThanOrEqual(0.5);
    expect(certs[0].radius).toBeGreaterThan(0.46);
    expect(certs[1].prediction).toBe(0);
    expect(certs[1].radius).toBeLessThanOrEqual(0.8);
    expect(certs[1].radius).toBeGreaterThan(0.75);
    expect(certs[2].prediction).toBe(ABSTAIN); // on the boundary: p_A = 1/2
    const predictions = await smoothPredict(threshold, x, { sigma: 0.5, n: 2000, alpha: 0.001, seed: 4 });
    expect(predictions.map((p) => p.prediction)).toEqual([1, 0, ABSTAIN]);
    x.dispose();
  });

  it('samples in batches, reports progress, repeats with a seed, and leaks no tensors', async () => {
    const x = tf.tensor2d([[0.1], [0.2]]);
    const seen: number[] = [];
    const before = tf.memory().numTensors;
    const first = await certify(threshold, x, {
      sigma: 1,
      n0: 10,
      n: 100,
      alpha: 0.01,
      batchSize: 30,
      seed: 9,
      onProgress: (p) => {
        expect(p.examples).toBe(2);
        expect(p.totalSamples).toBe(220);
        seen.push(p.samples);
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    // Per example: 10 (one batch), then 30 + 30 + 30 + 10.
    expect(seen).toEqual([10, 40, 70, 100, 110, 120, 150, 180, 210, 220]);
    const again = await certify(threshold, x, {
      sigma: 1,
      n0: 10,
      n: 100,
      alpha: 0.01,
      batchSize: 30,
      seed: 9,
    });
    expect(again).toEqual(first);
    x.dispose();
  });

  it('gives certified accuracy against radius as data', () => {
    const certs = [
      { prediction: 1, radius: 0.6 },
      { prediction: 0, radius: 0.3 },
      { prediction: ABSTAIN, radius: 0 },
      { prediction: 2, radius: 1.2 },
    ] as Certificate[];
    expect(certifiedAccuracy(certs, [1, 0, 0, 1], [0, 0.25, 0.5, 1])).toEqual([
      { radius: 0, accuracy: 0.5 },
      { radius: 0.25, accuracy: 0.5 },
      { radius: 0.5, accuracy: 0.25 },
      { radius: 1, accuracy: 0 },
    ]);
  });

  it('Gaussian augmentation replaces each batch by x + N(0, σ²), new draws per batch, seeded', () => {
    const xs = tf.fill([200, 50], 0.5);
    const ys = tf.oneHot(tf.zeros([200], 'int32') as tf.Tensor1D, 3);
    const augment = gaussianAugmentation({ sigma: 0.25, seed: 1 });
    const before = tf.memory().numTensors;
    const a = augment({ xs, ys });
    const b = augment({ xs, ys });
    expect(tf.memory().numTensors).toBe(before + 4);
    const noise = tf.sub(a.xs, xs);
    const { mean, variance } = tf.moments(noise);
    expect(Math.abs(mean.dataSync()[0])).toBeLessThan(0.01);
    expect(Math.sqrt(variance.dataSync()[0])).toBeCloseTo(0.25, 2);
    expect(Array.from(a.ys.dataSync())).toEqual(Array.from(ys.dataSync()));
    expect(Array.from(b.xs.dataSync())).not.toEqual(Array.from(a.xs.dataSync()));
    const replay = gaussianAugmentation({ sigma: 0.25, seed: 1 })({ xs, ys });
    expect(Array.from(replay.xs.dataSync())).toEqual(Array.from(a.xs.dataSync()));
    tf.dispose([xs, ys, a.xs, a.ys, b.xs, b.ys, noise, mean, variance, replay.xs, replay.ys]);
  });

  it('refuses σ <= 0, n0 > n, α outside (0, 1) and bad sample counts with typed errors', async () => {
    const x = tf.zeros([1, 2]);
    const good = { sigma: 0.5, n0: 10, n: 100, alpha: 0.001 };
    for (const [bad, argument] of [
      [{ sigma: 0 }, 'options.sigma'],
      [{ sigma: -1 }, 'options.sigma'],
      [{ sigma: Number.NaN }, 'options.sigma'],
      [{ n0: 101 }, 'options.n0'],
      [{ n: 0 }, 'options.n'],
      [{ alpha: 0 }, 'options.alpha'],
      [{ alpha: 1 }, 'options.alpha'],
      [{ alpha: 1.5 }, 'options.alpha'],
      [{ batchSize: 0 }, 'options.batchSize'],
    ] as const) {
      await expect(certify(constant, x, { ...good, ...bad })).rejects.toThrow(refused(argument));
    }
    await expect(smoothPredict(constant, x, { sigma: 1, n: 10, alpha: -0.1 })).rejects.toThrow(
      refused('options.alpha'),
    );
    await expect(certify(constant, tf.zeros([2]), good)).rejects.toThrow(refused('x'));
    expect(() => gaussianAugmentation({ sigma: 0 })).toThrow(refused('options.sigma'));
    expect(() => certifiedAccuracy([], [], [0])).toThrow(refused('certificates'));
    x.dispose();
  });
});
