import { describe, expect, it } from 'vitest';
import { createRng, rngState, setRngState } from './create-rng';
import type { Rng } from './rng';

const take = (n: number, rng: Rng) => Array.from({ length: n }, () => rng.nextUint32());

describe('rngState / setRngState: a stream continued elsewhere', () => {
  it("a generator set to another one's state continues its stream bit for bit (also a split child)", () => {
    for (const source of [createRng(42), createRng(5).split()]) {
      take(17, source);
      source.normal();
      const state = rngState(source);
      expect(state).toHaveLength(4);
      const copy = createRng(0);
      expect(setRngState(copy, state as number[])).toBe(true);
      expect(take(50, copy)).toEqual(take(50, source));
      expect(copy.split().uniform()).toBe(source.split().uniform());
    }
  });

  it('the state is the four words of xoshiro128**: seed 42 after 5 draws matches the known stream', () => {
    const a = createRng(42);
    const state = rngState(a) as number[];
    const b = createRng(1);
    setRngState(b, state);
    // The first outputs of seed 42 (an independent transcription, see create-rng.test.ts).
    expect(take(5, b)).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180]);
  });

  it('another Rng has no portable state; a bad state is refused by name', () => {
    const foreign: Rng = {
      nextUint32: () => 1,
      uniform: () => 0.5,
      normal: () => 0,
      int: () => 0,
      split: () => foreign,
    };
    expect(rngState(foreign)).toBeNull();
    expect(setRngState(foreign, [1, 2, 3, 4])).toBe(false);
    const rng = createRng(3);
    const before = take(1, createRng(3));
    for (const bad of [
      [1, 2, 3],
      [0, 0, 0, 0],
      [1.5, 2, 3, 4],
    ]) {
      expect(() => setRngState(rng, bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'state' }),
      );
    }
    // Nothing was changed by the refused calls.
    expect(take(1, rng)).toEqual(before);
  });
});
