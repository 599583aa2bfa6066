import { describe, expect, it } from 'vitest';
import { AnlError } from '../errors';
import { createRng } from './create-rng';

const take = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('createRng', () => {
  it('matches an independent Python transcription of SplitMix32 + xoshiro128** (known answers)', () => {
    // Values printed by a separate Python implementation of the published C code (see the report).
    const a = createRng(42);
    expect(take(5, () => a.nextUint32())).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180]);
    const b = createRng(0);
    expect(take(3, () => b.nextUint32())).toEqual([3809008728, 1133695204, 53579671]);
  });

  it('same seed -> same stream bit for bit; different seeds -> different streams', () => {
    const a = createRng(7);
    const b = createRng(7);
    expect(take(100, () => a.normal())).toEqual(take(100, () => b.normal()));
    const c = createRng(8);
    expect(take(10, () => createRng(7).uniform())).not.toEqual(take(10, () => c.uniform()));
  });

  it('split gives a stream unlike the parent and is itself reproducible', () => {
    const parent = createRng(3);
    const child = parent.split();
    const again = createRng(3).split();
    const childValues = take(50, () => child.nextUint32());
    expect(take(50, () => again.nextUint32())).toEqual(childValues);
    const parentValues = take(50, () => parent.nextUint32());
    expect(childValues.filter((v, i) => v === parentValues[i]).length).toBe(0);
    // Two splits in a row differ from each other.
    const p = createRng(3);
    expect(take(5, () => p.split().nextUint32())).not.toEqual(
      take(5, () => createRng(3).split().nextUint32()),
    );
  });

  it('uniform lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRng(11);
    const n = 100_000;
    const xs = take(n, () => rng.uniform());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
  });

  it('normal has mean 0, variance 1 and 68.27% of its mass within one std', () => {
    const rng = createRng(12);
    const n = 100_000;
    const xs = take(n, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    const within = xs.filter((x) => Math.abs(x) < 1).length / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(within - 0.682689)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / n));
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('int(n) is uniform over [0, n)', () => {
    const rng = createRng(13);
    const counts = new Array(3).fill(0);
    const n = 30_000;
    for (let i = 0; i < n; i++) counts[rng.int(3)] += 1;
    for (const c of counts) expect(Math.abs(c / n - 1 / 3)).toBeLessThan(5 * Math.sqrt(2 / 9 / n));
    expect(createRng(1).int(1)).toBe(0);
  });

  it('refuses bad seeds and bounds with AnlError', () => {
    for (const seed of [Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => createRng(seed)).toThrow(AnlError);
    }
    for (const n of [0, -1, 2.5, Number.NaN]) {
      expect(() => createRng(1).int(n)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'n' }),
      );
    }
  });
});
