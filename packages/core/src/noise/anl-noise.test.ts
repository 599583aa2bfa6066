import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceOps as ops } from '../reference/reference-tensor-ops';
import { createRng } from '../rng/create-rng';
import { anlNoise, anlNoiseOfRows } from './anl-noise';
import { FLOAT32_MIN_NORMAL, perSampleLinfNormalize } from './per-sample-linf-normalize';
import { sampleClippedGaussianR } from './sample-clipped-gaussian-r';

describe('anlNoise (Eq. 4)', () => {
  it('eta = r · s · g / max|g| by hand', () => {
    // g = [[1, -2], [0, 0], [-3, 1.5]]; max|g| = 2, 0, 3 -> g/max = [[0.5, -1], [0, 0], [-1, 0.5]]
    // r = [0.5, 0.3, -0.25], s = 2 -> eta = [[0.5, -1], [0, 0], [0.5, -0.25]].
    const g = ops.fromArray([1, -2, 0, 0, -3, 1.5], [3, 2]);
    // anlNoise shrinks every value by at most 2^-21 (its float32 rounding margin): 1e-6 relative.
    const eta = anlNoise(ops, g, ops.fromArray([0.5, 0.3, -0.25], [3]), ops.fromArray([2], []));
    const expected = [0.5, -1, 0, 0, 0.5, -0.25];
    eta.data.forEach((v, i) => {
      expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(Math.abs(expected[i]) * 1e-6);
      expect(Math.abs(v)).toBeLessThanOrEqual(Math.abs(expected[i]));
    });
  });

  it('|eta| <= fl(|r|·s): exactly when the coefficient is normal, within the subnormal slack otherwise (property)', () => {
    const extreme = fc.oneof(
      fc.constant(0),
      fc.double({ min: -1e-38, max: 1e-38, noNaN: true }),
      fc.double({ min: -3e38, max: 3e38, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.array(extreme, { minLength: 6, maxLength: 6 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (gValues, rValue, sValue) => {
          const r = Math.fround(rValue);
          const s = Math.fround(sValue);
          const g = Float32Array.from(gValues);
          const eta = anlNoise(
            ops,
            ops.fromArray(g, [2, 3]),
            ops.fromArray([r, -r], [2]),
            ops.fromArray([s], []),
          ).data;
          const p = Math.fround(Math.abs(r) * s);
          for (let i = 0; i < 2; i++) {
            const { exact, slack } = boundOf(g.subarray(3 * i, 3 * i + 3), p);
            for (const x of eta.subarray(3 * i, 3 * i + 3)) {
              expect(Number.isFinite(x)).toBe(true);
              expect(Math.abs(x)).toBeLessThanOrEqual(exact ? p : p + slack);
            }
          }
        },
      ),
    );
  });

  it('keeps the bound when |r|·s is subnormal (CI counterexample, seed 767098621)', () => {
    // r·s = 7.0065e-46 rounds up to the smallest subnormal 1.4013e-45; the single non-zero g must
    // get exactly that (its max-normalised value is 1), never more.
    const r = Math.fround(1.496548224191136e-39);
    const s = Math.fround(4.681766228031848e-7);
    const eta = anlNoise(
      ops,
      ops.fromArray([0, 0, -1.1552277214573739e-38, 0, 0, 0], [2, 3]),
      ops.fromArray([r, -r], [2]),
      ops.fromArray([s], []),
    ).data;
    const bound = Math.fround(r * s);
    expect(bound).toBe(2 ** -149);
    for (const x of eta) expect(Math.abs(x)).toBeLessThanOrEqual(bound);
    expect(eta[2]).toBeLessThanOrEqual(0);
  });

  it('equals g · sat(fl(r·s) / max(max|g|, 2^-126)) computed in float64, up to 1e-6 relative (property)', () => {
    fc.assert(
      fc.property(case_, (c) => {
        const { gData, r, eta } = noiseOf(c);
        for (let i = 0; i < c.batch; i++) {
          const row = gData.subarray(i * c.width, (i + 1) * c.width);
          const p = Math.fround(r[i] * Math.fround(c.s));
          const { slack } = boundOf(row, Math.abs(p));
          const coefficient = saturate(p / Math.max(maxAbs(row), FLOAT32_MIN_NORMAL));
          for (let j = 0; j < c.width; j++) {
            const want = row[j] * coefficient;
            const got = eta[i * c.width + j];
            expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-6 + slack);
          }
        }
      }),
    );
  });

  it('equals perSampleLinfNormalize(g) · r · s up to 1e-6 relative while the coefficient is a normal float32 (property)', () => {
    fc.assert(
      fc.property(case_, (c) => {
        const { gData, r, eta } = noiseOf(c);
        const slow = perSampleLinfNormalize(ops, ops.fromArray(gData, [c.batch, c.width])).data;
        for (let i = 0; i < c.batch; i++) {
          const row = gData.subarray(i * c.width, (i + 1) * c.width);
          const p = Math.fround(r[i] * Math.fround(c.s));
          if (!boundOf(row, Math.abs(p)).exact) continue;
          for (let j = 0; j < c.width; j++) {
            const k = i * c.width + j;
            const want = slow[k] * p;
            // A result below 2^-126 is rounded absolutely (by up to 2^-150), here and in slow[k].
            const subnormalRounding = SUBNORMAL_HALF_ULP * (1 + Math.abs(p));
            expect(Math.abs(eta[k] - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-6 + subnormalRounding);
          }
        }
      }),
    );
  });

  const case_ = fc.record({
    batch: fc.integer({ min: 1, max: 4 }),
    width: fc.integer({ min: 1, max: 5 }),
    g: fc.array(fc.oneof(fc.constant(0), fc.double({ min: -100, max: 100, noNaN: true })), {
      minLength: 20,
      maxLength: 20,
    }),
    eps: fc.oneof(
      fc.double({ min: -1, max: -1e-3, noNaN: true }),
      fc.double({ min: 1e-3, max: 1, noNaN: true }),
    ),
    s: fc.double({ min: 0, max: 10, noNaN: true }),
    seed: fc.nat(),
  });

  function noiseOf(c: { batch: number; width: number; g: number[]; eps: number; s: number; seed: number }) {
    const gData = Float32Array.from(c.g.slice(0, c.batch * c.width));
    const r = sampleClippedGaussianR(createRng(c.seed), c.batch, c.eps);
    const eta = anlNoise(
      ops,
      ops.fromArray(gData, [c.batch, c.width]),
      ops.fromArray(r, [c.batch]),
      ops.fromArray([c.s], []),
    );
    return { gData, r, eta: eta.data, s: Math.fround(c.s) };
  }

  it('|eta| <= fl(|eps| · s(h)) element-wise (property)', () => {
    fc.assert(
      fc.property(case_, (c) => {
        const { gData, eta, s } = noiseOf(c);
        // |r| <= |eps| in float32, so fl(|r|·s) <= fl(|eps|·s) = p and boundOf's promise carries over.
        const p = Math.fround(Math.fround(Math.abs(c.eps)) * s);
        for (let i = 0; i < c.batch; i++) {
          const { exact, slack } = boundOf(gData.subarray(i * c.width, (i + 1) * c.width), p);
          for (const x of eta.subarray(i * c.width, (i + 1) * c.width)) {
            expect(Math.abs(x)).toBeLessThanOrEqual(exact ? p : p + slack);
          }
        }
      }),
    );
  });

  it('sign(eta) = sign(g) · sign(eps) where g != 0 and r != 0; zero g -> zero eta (property)', () => {
    fc.assert(
      fc.property(case_, (c) => {
        const { gData, r, eta } = noiseOf(c);
        for (let i = 0; i < c.batch; i++) {
          for (let j = 0; j < c.width; j++) {
            const k = i * c.width + j;
            if (gData[k] === 0 || r[i] === 0 || c.s === 0) expect(Math.abs(eta[k])).toBe(0);
            else if (eta[k] !== 0) expect(Math.sign(eta[k])).toBe(Math.sign(gData[k]) * Math.sign(c.eps));
          }
        }
      }),
    );
  });

  it('same seed -> same noise bit for bit (property)', () => {
    fc.assert(
      fc.property(case_, (c) => {
        expect(noiseOf(c).eta).toEqual(noiseOf(c).eta);
      }),
    );
  });

  it('anlNoiseOfRows equals anlNoise of the gathered rows bit for bit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: -100, max: 100, noNaN: true })), {
          minLength: 12,
          maxLength: 12,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.nat(),
        (classes, values, picks, s, seed) => {
          const width = 12 / 4;
          const table = ops.fromArray(values.slice(0, classes * width), [classes, width]);
          const rows = Int32Array.from(picks, (p) => p % classes);
          const r = ops.fromArray(sampleClippedGaussianR(createRng(seed), rows.length, 0.1), [rows.length]);
          const sT = ops.fromArray([s], []);
          const fast = anlNoiseOfRows(ops, table, rows, r, sT);
          const slow = anlNoise(ops, ops.gatherRows(table, rows), r, sT);
          expect(fast.shape).toEqual([rows.length, width]);
          expect(fast.data).toEqual(slow.data);
        },
      ),
    );
  });

  it('refuses r and s of the wrong shape', () => {
    const g = ops.zeros([2, 3]);
    expect(() => anlNoise(ops, g, ops.zeros([3]), ops.zeros([]))).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 'r' }),
    );
    expect(() => anlNoise(ops, g, ops.zeros([2]), ops.zeros([1]))).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 's' }),
    );
  });
});

const FLOAT32_MAX = 3.4028234663852886e38;
/** Half the smallest subnormal float32: the absolute rounding error of a result below 2^-126. */
const SUBNORMAL_HALF_ULP = 2 ** -150;

function maxAbs(values: Float32Array): number {
  return values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function saturate(x: number): number {
  return Math.min(FLOAT32_MAX, Math.max(-FLOAT32_MAX, x));
}

/**
 * The bound anlNoise promises for one sample with p = fl(|r|·s). `exact`: every intermediate
 * (p, 1/m, p/m with m = max(max|g|, 2^-126)) is a normal float32 with room to spare, so relative
 * rounding only and the 2^-21 margin keep |eta| <= p. Otherwise each of the four float32 roundings
 * may add up to 2^-150 absolutely; carried through the products that is at most
 * 2^-150 · (1 + m·(p + 2)) (with 0.1% for the relative roundings on top).
 */
function boundOf(row: Float32Array, p: number): { exact: boolean; slack: number } {
  const m = Math.max(maxAbs(row), FLOAT32_MIN_NORMAL);
  const normal = (x: number) => x === 0 || (x >= 2 ** -124 && x <= 2 ** 126);
  const exact = p === 0 || (normal(p) && normal(1 / m) && normal(p / m));
  return { exact, slack: SUBNORMAL_HALF_ULP * (1 + 1.001 * maxAbs(row) * (p + 2)) };
}
