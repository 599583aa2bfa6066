import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, useCpu } from '../test/fixtures';
import { uniformNoise } from './uniform-noise';

beforeAll(useCpu);

function images(count: number, size: number, seed: number): tf.Tensor {
  const rand = mulberry32(seed);
  return tf.tensor4d(
    Array.from({ length: count * size * size }, () => rand()),
    [count, size, size, 1],
  );
}

describe('uniformNoise (WM paper: x + U(0, a), renormalised into [0, 1])', () => {
  it("'range' is the identity at a = 0", () => {
    const x = images(3, 4, 1);
    expect(uniformNoise(x, { a: 0, seed: 1 }).arraySync()).toEqual(x.arraySync());
  });

  it("'range' maps x + n through (x + n − lo)/(hi − lo + a): recovering n gives values in [0, a)", () => {
    const x = images(4, 5, 2);
    const a = 0.6;
    const out = uniformNoise(x, { a, seed: 3 });
    const xs = x.dataSync();
    const noise = Array.from(out.dataSync(), (v, i) => v * (1 + a) - xs[i]);
    expect(Math.min(...noise)).toBeGreaterThanOrEqual(-1e-6);
    expect(Math.max(...noise)).toBeLessThan(a + 1e-6);
    // Roughly uniform: mean a/2 over 100 draws (std of the mean ≈ a/√1200 ≈ 0.017).
    const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
    expect(Math.abs(mean - a / 2)).toBeLessThan(0.06);
  });

  it("'per-image-minmax' stretches each image to span exactly [lo, hi]", () => {
    const out = uniformNoise(images(3, 6, 4), {
      a: 0.5,
      seed: 5,
      renormalize: 'per-image-minmax',
      bounds: [0, 1],
    });
    for (const image of out.arraySync() as number[][][][]) {
      const flat = image.flat(2);
      expect(Math.min(...flat)).toBeCloseTo(0, 6);
      expect(Math.max(...flat)).toBeCloseTo(1, 6);
    }
  });

  it("'per-image-max' divides each image by its max", () => {
    const x = images(2, 3, 6);
    const out = uniformNoise(x, {
      a: 0.4,
      seed: 7,
      renormalize: 'per-image-max',
    }).arraySync() as number[][][][];
    for (const image of out) expect(Math.max(...image.flat(2))).toBeCloseTo(1, 6);
  });

  it('stays inside other bounds and repeats exactly from its seed', () => {
    const x = tf.mul(images(2, 4, 8), 255);
    const a = uniformNoise(x, { a: 40, seed: 9, bounds: [0, 255] });
    const values = Array.from(a.dataSync());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(255 + 1e-3);
    expect(uniformNoise(x, { a: 40, seed: 9, bounds: [0, 255] }).arraySync()).toEqual(a.arraySync());
    expect(uniformNoise(x, { a: 40, seed: 10, bounds: [0, 255] }).arraySync()).not.toEqual(a.arraySync());
  });
});
