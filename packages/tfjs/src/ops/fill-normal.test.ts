import { describe, expect, it } from 'vitest';
import { fillNormal } from './fill-normal';

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

describe('fillNormal', () => {
  it('has the requested mean and std, and the normal distribution (Kolmogorov-Smirnov)', () => {
    const n = 100_001; // odd: the last pair's second value is dropped
    const values = fillNormal(new Float32Array(n), 2, 3, 42);
    let sum = 0;
    for (const v of values) sum += v;
    const mean = sum / n;
    let sq = 0;
    for (const v of values) sq += (v - mean) ** 2;
    const std = Math.sqrt(sq / n);
    expect(Math.abs(mean - 2)).toBeLessThan((5 * 3) / Math.sqrt(n));
    expect(Math.abs(std - 3)).toBeLessThan((5 * 3) / Math.sqrt(2 * n));
    const sorted = Float64Array.from(values, (v) => (v - 2) / 3).sort();
    let d = 0;
    sorted.forEach((z, i) => {
      const f = phi(z);
      d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
    });
    // The 99.9 % critical value of the KS statistic is 1.95 / sqrt(n).
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('gives the same values for the same seed and different ones for another seed', () => {
    const a = fillNormal(new Float32Array(1001), 0, 1, 7);
    const b = fillNormal(new Float32Array(1001), 0, 1, 7);
    const c = fillNormal(new Float32Array(1001), 0, 1, 8);
    expect(b).toEqual(a);
    expect(c.filter((v, i) => v === a[i]).length).toBeLessThan(5);
    // A shorter fill is a prefix of a longer one with the same seed.
    expect(fillNormal(new Float32Array(10), 0, 1, 7)).toEqual(a.slice(0, 10));
  });

  it('std 0 gives the mean everywhere; an empty array stays empty', () => {
    expect(Array.from(fillNormal(new Float32Array(5), -1.25, 0, 3))).toEqual([
      -1.25, -1.25, -1.25, -1.25, -1.25,
    ]);
    expect(fillNormal(new Float32Array(0), 0, 1, 3).length).toBe(0);
  });
});
