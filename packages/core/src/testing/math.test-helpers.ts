import { expect } from 'vitest';

/** Population std in float64. */
export function populationStd(xs: ArrayLike<number>): number {
  const a = Array.from(xs);
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
}

/** Rows of a row-major [B, width] array. */
export function rowsOf(xs: ArrayLike<number>, width: number): number[][] {
  return Array.from({ length: xs.length / width }, (_, i) =>
    Array.from(xs).slice(i * width, (i + 1) * width),
  );
}

/** Eq. 4 in float64: eta[i, j] = r[i] · s · g[i, j] / max_j |g[i, j]| (0 for an all-zero row). */
export function anlNoiseByHand(
  g: ArrayLike<number>,
  width: number,
  r: ArrayLike<number>,
  s: number,
): number[] {
  return rowsOf(g, width).flatMap((row, i) => {
    const max = Math.max(...row.map(Math.abs));
    return row.map((x) => (max === 0 ? 0 : (r[i] * s * x) / max));
  });
}

/** Element-wise |got - want| <= rtol·|want| + atol, with the first failing index in the message. */
export function expectAllClose(
  got: ArrayLike<number> | null,
  want: ArrayLike<number>,
  rtol = 1e-5,
  atol = 1e-7,
): void {
  expect(got).not.toBeNull();
  const g = Array.from(got as ArrayLike<number>);
  expect(g).toHaveLength(want.length);
  for (let i = 0; i < g.length; i++) {
    if (!(Math.abs(g[i] - want[i]) <= rtol * Math.abs(want[i]) + atol)) {
      expect.fail(`index ${i}: got ${g[i]}, expected ${want[i]}`);
    }
  }
}
