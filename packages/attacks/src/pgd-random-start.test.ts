import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../test/fixtures';
import type { Classifier } from './classifier';
import { pgd } from './pgd';

// PGD's L2 random start must be uniform in the ball's volume: radius r = eps * u^(1/d), so for
// eps = 1 the radius has CDF F(r) = r^d on [0, 1]. A classifier with zero gradient makes every step
// a no-op, so pgd's output is exactly its random start; bounds far away keep the clip out of it.

/** Zero loss gradient everywhere: PGD never moves away from where it started. */
function flatClassifier(): Classifier {
  return {
    bounds: [-100, 100],
    numClasses: 2,
    logits: (x) => tf.zeros([x.shape[0], 2]) as tf.Tensor2D,
    lossGradient: (x) => tf.zerosLike(x),
    predict: (x) => tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D,
  };
}

/** Kolmogorov–Smirnov distance between the sample and the CDF r^d. */
function ksDistance(radii: number[], d: number): number {
  const sorted = [...radii].sort((a, b) => a - b);
  let worst = 0;
  sorted.forEach((r, i) => {
    const cdf = r ** d;
    worst = Math.max(worst, Math.abs((i + 1) / sorted.length - cdf), Math.abs(i / sorted.length - cdf));
  });
  return worst;
}

/** Per-sample L2 distances of PGD's random start from x (shape [n, ...sampleShape]). */
function startRadii(sampleShape: number[], n: number, seed: number): number[] {
  const x = tf.zeros([n, ...sampleShape]);
  const start = pgd(flatClassifier(), x, {
    eps: 1,
    steps: 1,
    stepSize: 0.1,
    norm: 'l2',
    seed,
    labels: new Array(n).fill(0),
  });
  const radii = tf.tidy(
    () => tf.sqrt(tf.sum(tf.square(tf.reshape(start, [n, -1])), 1)).arraySync() as number[],
  );
  tf.dispose([x, start]);
  return radii;
}

// Critical KS value for n = 2000 at alpha = 0.001: 1.95 / sqrt(n) ≈ 0.0436.
const N = 2000;
const KS_CRITICAL = 1.95 / Math.sqrt(N);

describe('pgd L2 random start', () => {
  beforeAll(useCpu);

  it.each([
    { sampleShape: [3], d: 3 },
    { sampleShape: [2, 2, 1], d: 4 },
  ])(
    'radius follows CDF r^d for d = $d (uniform in the ball), not r^1 or the sphere',
    ({ sampleShape, d }) => {
      const radii = startRadii(sampleShape, N, 11);
      expect(Math.max(...radii)).toBeLessThanOrEqual(1 + 1e-5);
      expect(ksDistance(radii, d)).toBeLessThan(KS_CRITICAL);
      // Power check: the same sample is far from the wrong exponents an easy slip would give.
      expect(ksDistance(radii, 1)).toBeGreaterThan(5 * KS_CRITICAL);
      expect(ksDistance(radii, d + 1)).toBeGreaterThan(KS_CRITICAL);
      // Closed-form mean of r under F(r) = r^d: d / (d + 1).
      const mean = radii.reduce((a, r) => a + r, 0) / N;
      expect(Math.abs(mean - d / (d + 1))).toBeLessThan(0.02);
    },
  );
});
