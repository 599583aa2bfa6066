import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceOps as ops } from '../reference/reference-tensor-ops';
import { FLOAT32_MIN_NORMAL, perSampleLinfNormalize } from './per-sample-linf-normalize';

/** The authors' normalisation, g / (max(g) + 1e-6) per sample (signed max), for comparison. */
function authorsSignedMaxNormalize(g: number[]): number[] {
  const m = Math.max(...g);
  return g.map((x) => x / (m + 1e-6));
}

describe('perSampleLinfNormalize', () => {
  it('divides each sample by its own max |g| (by hand)', () => {
    // sample 0: max|.| = 4 -> [0.5, -1]; sample 1: all zero -> zeros; sample 2: max|.| = 1 -> unchanged.
    const g = ops.fromArray([2, -4, 0, 0, -1, -0.5], [3, 2]);
    expect(Array.from(perSampleLinfNormalize(ops, g).data)).toEqual([0.5, -1, 0, 0, -1, -0.5]);
  });

  it('takes the max over every element of a sample of any rank', () => {
    // [2, 2, 2]: sample 0 max |.| = 8, sample 1 max |.| = 0.5.
    const g = ops.fromArray([1, -8, 2, 4, 0.5, -0.25, 0, 0.125], [2, 2, 2]);
    expect(Array.from(perSampleLinfNormalize(ops, g).data)).toEqual([0.125, -1, 0.25, 0.5, 1, -0.5, 0, 0.25]);
  });

  it('stays in [-1, 1] with max |.| = 1 per non-zero sample, never NaN (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.oneof(
            fc.constant(0),
            fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            fc.double({ min: -1e-40, max: 1e-40, noNaN: true }),
          ),
          { minLength: 24, maxLength: 24 },
        ),
        (batch, width, raw) => {
          const data = Float32Array.from(raw.slice(0, batch * width));
          const out = perSampleLinfNormalize(ops, ops.fromArray(data, [batch, width])).data;
          for (let i = 0; i < batch; i++) {
            const row = Array.from(out.subarray(i * width, (i + 1) * width));
            expect(row.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true);
            const inputMax = Math.max(...data.subarray(i * width, (i + 1) * width).map(Math.abs));
            const max = Math.max(...row.map(Math.abs));
            if (inputMax === 0) expect(max).toBe(0);
            // Subnormal gradients (below 2^-126) are scaled by 2^126: finite, below 1.
            else if (inputMax >= FLOAT32_MIN_NORMAL) expect(max).toBeGreaterThanOrEqual(1 - 1.2e-7);
          }
        },
      ),
    );
  });

  it("the authors' signed max(g) + 1e-6 explodes or flips sign on all-negative gradients; ours stays in [-1, 1]", () => {
    // All negative: max(g) = -2, so g / (-2 + 1e-6) turns every entry positive: the noise points
    // up the gradient's opposite, and entries exceed 1.
    const flipped = authorsSignedMaxNormalize([-2, -4]);
    expect(flipped[0]).toBeGreaterThan(0);
    expect(flipped[1]).toBeGreaterThan(1.99);
    // max(g) = -1e-6 + 1e-9: the denominator is ~1e-9, so -3 becomes ~ -3e9.
    const exploded = authorsSignedMaxNormalize([-0.000000999, -3]);
    expect(Math.abs(exploded[1])).toBeGreaterThan(1e9);
    const ours = perSampleLinfNormalize(ops, ops.fromArray([-2, -4, -0.000000999, -3], [2, 2])).data;
    expect(Array.from(ours).every((x) => x >= -1 && x <= 1 && x <= 0)).toBe(true);
    expect(ours[1]).toBe(-1);
    expect(ours[3]).toBe(-1);
  });
});
