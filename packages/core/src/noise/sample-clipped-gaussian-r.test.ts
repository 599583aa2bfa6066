import { describe, expect, it } from 'vitest';
import { createRng } from '../rng/create-rng';
import { sampleClippedGaussianR } from './sample-clipped-gaussian-r';

/** erf by its Taylor series: converges to double precision for |x| < 3 (we use x = ±sqrt(2)). */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const Phi = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** Mean, variance and mass on each bound of clip(N(mu, sigma^2), lo, hi), analytically. */
function clippedNormal(mu: number, sigma: number, lo: number, hi: number) {
  const a = (lo - mu) / sigma;
  const b = (hi - mu) / sigma;
  const inside = Phi(b) - Phi(a);
  const pLo = Phi(a);
  const pHi = 1 - Phi(b);
  // E[X; lo < X < hi] and E[X^2; lo < X < hi] for X = mu + sigma Z.
  const m1 = mu * inside + sigma * (phi(a) - phi(b));
  const m2 =
    (mu * mu + sigma * sigma) * inside +
    2 * mu * sigma * (phi(a) - phi(b)) +
    sigma * sigma * (a * phi(a) - b * phi(b));
  const mean = lo * pLo + hi * pHi + m1;
  const second = lo * lo * pLo + hi * hi * pHi + m2;
  return { mean, variance: second - mean * mean, pLo, pHi };
}

describe('sampleClippedGaussianR', () => {
  it('the analytic helper is right: Phi(-2) = 0.0227501319', () => {
    expect(Phi(-2)).toBeCloseTo(0.0227501319, 9);
  });

  for (const eps of [0.03, -0.03, 1]) {
    it(`eps = ${eps}: 200k draws match the clipped normal's analytic mean, std and clip rates`, () => {
      const n = 200_000;
      const r = sampleClippedGaussianR(createRng(99), n, eps);
      const mu = eps / 2;
      const sigma = Math.abs(eps) / 4;
      const lo = Math.min(0, eps);
      const hi = Math.max(0, eps);
      const truth = clippedNormal(mu, sigma, lo, hi);
      // Bounds at mu ± 2 sigma: each side carries Phi(-2) of the mass.
      expect(truth.pLo).toBeCloseTo(0.02275, 5);
      expect(truth.pHi).toBeCloseTo(0.02275, 5);
      let sum = 0;
      let atLo = 0;
      let atHi = 0;
      let outside = 0;
      for (const x of r) {
        sum += x;
        if (x === Math.fround(lo)) atLo++;
        if (x === Math.fround(hi)) atHi++;
        if (!(x >= Math.fround(lo) && x <= Math.fround(hi))) outside++;
      }
      expect(outside).toBe(0);
      const mean = sum / n;
      let sq = 0;
      for (const x of r) sq += (x - mean) ** 2;
      const std = Math.sqrt(sq / n);
      const trueStd = Math.sqrt(truth.variance);
      // 5 standard errors: a correct sampler fails about once in a million runs.
      expect(Math.abs(mean - truth.mean)).toBeLessThan((5 * trueStd) / Math.sqrt(n));
      expect(Math.abs(std - trueStd)).toBeLessThan((5 * trueStd) / Math.sqrt(2 * n));
      const seP = Math.sqrt((truth.pLo * (1 - truth.pLo)) / n);
      expect(Math.abs(atLo / n - truth.pLo)).toBeLessThan(5 * seP);
      expect(Math.abs(atHi / n - truth.pHi)).toBeLessThan(5 * seP);
      // The clipped std is below the unclipped eps/4.
      expect(trueStd).toBeLessThan(sigma);
    });
  }

  it('one draw per sample, reproducible from the rng, all zero for eps = 0', () => {
    expect(sampleClippedGaussianR(createRng(1), 7, 0.1)).toHaveLength(7);
    expect(sampleClippedGaussianR(createRng(1), 7, 0.1)).toEqual(
      sampleClippedGaussianR(createRng(1), 7, 0.1),
    );
    expect(Array.from(sampleClippedGaussianR(createRng(1), 3, 0))).toEqual([0, 0, 0]);
  });

  it('refuses batchSize < 1 or non-integer and non-finite eps', () => {
    for (const b of [0, -1, 1.5]) {
      expect(() => sampleClippedGaussianR(createRng(1), b, 0.1)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'batchSize' }),
      );
    }
    for (const eps of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sampleClippedGaussianR(createRng(1), 2, eps)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'eps' }),
      );
    }
  });
});
