import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  binomialTestHalf,
  clopperPearsonLower,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
} from './statistics';

/** P(X >= k) for X ~ Binomial(n, p), summed term by term in logs (independent of the beta function). */
function binomialTail(k: number, n: number, p: number): number {
  let logChoose = 0; // log C(n, 0)
  let sum = 0;
  for (let j = 0; j <= n; j++) {
    if (j > 0) logChoose += Math.log(n - j + 1) - Math.log(j);
    if (j >= k) sum += Math.exp(logChoose + j * Math.log(p) + (n - j) * Math.log1p(-p));
  }
  return sum;
}

describe('statistics for randomised smoothing', () => {
  it('ln Γ matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
  });

  it('Φ and Φ⁻¹ match Python statistics.NormalDist (Wichura AS241) values', () => {
    // python3 -c "from statistics import NormalDist as N; print(N().cdf(x), N().inv_cdf(p))"
    const cdf: [number, number][] = [
      [-5, 2.8665157186802404e-7],
      [-1.5, 0.06680720126885809],
      [0, 0.5],
      [0.5, 0.6914624612740131],
      [2, 0.9772498680518208],
      [6, 0.9999999990134123],
    ];
    for (const [x, want] of cdf) expect(normalCdf(x)).toBeCloseTo(want, 14);
    expect(normalCdf(-5) / 2.8665157186802404e-7).toBeCloseTo(1, 10);
    const quantiles: [number, number][] = [
      [1e-10, -6.361340902404056],
      [1e-6, -4.753424308822899],
      [0.001, -3.090232306167813],
      [0.025, -1.9599639845400538],
      [0.1, -1.2815515655446008],
      [0.3, -0.5244005127080407],
      [0.5, 0],
      [0.75, 0.6744897501960817],
      [0.975, 1.9599639845400536],
      [0.999, 3.090232306167813],
    ];
    for (const [p, want] of quantiles) expect(normalQuantile(p)).toBeCloseTo(want, 10);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('the incomplete beta function gives the binomial tail: I_p(k, n−k+1) = P(Bin(n, p) >= k)', () => {
    for (const [k, n, p] of [
      [3, 10, 0.2],
      [50, 100, 0.5],
      [990, 1000, 0.985],
      [1, 7, 0.01],
    ]) {
      expect(regularizedBeta(p, k, n - k + 1)).toBeCloseTo(binomialTail(k, n, p), 12);
    }
    // Beta(2, 1) has CDF x², so its quantile is √q.
    expect(betaQuantile(0.3, 2, 1)).toBeCloseTo(Math.sqrt(0.3), 13);
  });

  it('Clopper–Pearson: closed forms α^(1/n) for k = n and 1 − (1 − α)^(1/n) for k = 1; tail = α in general', () => {
    expect(clopperPearsonLower(100, 100, 0.001)).toBeCloseTo(0.001 ** (1 / 100), 12);
    expect(clopperPearsonLower(100_000, 100_000, 0.001)).toBeCloseTo(0.001 ** (1 / 100_000), 12);
    expect(clopperPearsonLower(1, 20, 0.05)).toBeCloseTo(1 - 0.95 ** (1 / 20), 12);
    expect(clopperPearsonLower(0, 20, 0.05)).toBe(0);
    // The bound p is where observing k or more successes has probability exactly α.
    for (const [k, n, alpha] of [
      [7, 10, 0.05],
      [480, 500, 0.001],
      [9_000, 10_000, 0.001],
    ]) {
      const p = clopperPearsonLower(k, n, alpha);
      expect(p).toBeLessThan(k / n);
      expect(binomialTail(k, n, p) / alpha).toBeCloseTo(1, 8);
    }
  });

  it('the two-sided binomial test against 1/2 matches hand-counted tails', () => {
    expect(binomialTestHalf(9, 10)).toBeCloseTo(22 / 1024, 14); // 2·(C(10,9) + C(10,10)) / 2^10
    expect(binomialTestHalf(1, 10)).toBeCloseTo(22 / 1024, 14);
    // 2·(C(20,15) + … + C(20,20)) / 2^20 = 2·21700 / 1048576
    expect(binomialTestHalf(15, 20)).toBeCloseTo((2 * 21700) / 1048576, 14);
    expect(binomialTestHalf(5, 10)).toBe(1);
    expect(binomialTestHalf(6, 10)).toBeCloseTo((2 * 386) / 1024, 14); // C(10,6..10) = 210+120+45+10+1
  });
});
