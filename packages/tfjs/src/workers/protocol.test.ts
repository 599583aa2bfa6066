import { describe, expect, it } from 'vitest';
import { MOMENTS, momentsAt, pooledStd, rowsOf } from './protocol';

/** Population std by the textbook two-pass formula, in float64. */
function std(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

/** What a worker writes for its rows: count, mean, sum of squared deviations. */
function momentsOf(values: readonly number[]): number[] {
  if (values.length === 0) return [0, 0, 0];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return [values.length, mean, values.reduce((a, b) => a + (b - mean) ** 2, 0)];
}

describe("pooledStd: s(h) of the whole batch from each worker's moments", () => {
  it('equals the std of all the values, however they are split (uneven, one worker empty)', () => {
    const values = Array.from({ length: 23 }, (_, i) => Math.sin(i * 1.7) * 3 + 100 + (i % 5));
    const whole = std(values);
    for (const cuts of [[23], [10, 13], [1, 0, 22], [5, 6, 7, 5]]) {
      const points = 2;
      const moments = new Float64Array(cuts.length * points * MOMENTS);
      let at = 0;
      cuts.forEach((n, k) => {
        // Point 1 gets the values; point 0 stays zero (another point's moments must not leak in).
        moments.set(momentsOf(values.slice(at, at + n)), momentsAt(k, points, 1));
        at += n;
      });
      const workers = cuts.map((_, k) => k);
      expect(pooledStd(moments, workers, points, 1)).toBeCloseTo(whole, 12);
      expect(pooledStd(moments, workers, points, 0)).toBe(0);
    }
  });

  it('hand-computed: {1, 3} and {5} pool to std({1, 3, 5}) = sqrt(8/3)', () => {
    const moments = Float64Array.from([...momentsOf([1, 3]), ...momentsOf([5])]);
    expect(moments.slice(0, 3)).toEqual(Float64Array.from([2, 2, 2]));
    expect(pooledStd(moments, [0, 1], 1, 0)).toBeCloseTo(Math.sqrt(8 / 3), 14);
  });

  it('only the listed workers count (a worker with no rows this pass keeps stale moments)', () => {
    const moments = Float64Array.from([...momentsOf([1, 3]), ...momentsOf([1000, -1000])]);
    expect(pooledStd(moments, [0], 1, 0)).toBe(1);
  });

  it('rowsOf splits a batch as evenly as it can, in order', () => {
    expect([0, 1, 2].map((k) => rowsOf(k, 3, 7))).toEqual([
      [0, 3],
      [3, 5],
      [5, 7],
    ]);
  });
});
