import { invalidArgument } from '../errors';
import type { Rng } from './rng';

/** 2^-32: turns a uint32 into [0, 1). */
const UINT32_TO_UNIT = 2 ** -32;

/** SplitMix32 step: spreads a 32-bit seed over the state words (so seeds 0, 1, 2 start far apart). */
function splitMix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, fast, passes BigCrush, and exactly the
 * same stream on every JavaScript engine because it only uses 32-bit integer ops.
 */
class Xoshiro128StarStar implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    const mix = { x: seed | 0 };
    this.s0 = splitMix32(mix);
    this.s1 = splitMix32(mix);
    this.s2 = splitMix32(mix);
    this.s3 = splitMix32(mix);
    // The all-zero state is a fixed point; SplitMix32 never yields four zeros, but guard anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(): number {
    return this.nextUint32() * UINT32_TO_UNIT;
  }

  normal(): number {
    // Box-Muller, one value per call (no cached spare, so the state is just the four words).
    // 1 - uniform() lies in (0, 1], so the log is finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) invalidArgument('n', 'an integer in [1, 2^32]', n);
    // Rejection sampling removes the modulo bias of `x % n`.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  split(): Rng {
    // A fresh seed hashed from two outputs; the child re-mixes it through SplitMix32, so parent and
    // child streams share no state.
    const a = this.nextUint32();
    const b = this.nextUint32();
    return new Xoshiro128StarStar((Math.imul(a ^ (b >>> 15), 0x2c1b3c6d) ^ b) | 0);
  }

  /** The four state words (for `rngState`). */
  state(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Continues from state words taken with `state()`. */
  restore(words: readonly number[]): void {
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w | 0);
  }
}

/**
 * The state of a generator made by `createRng` (or split from one), to continue its stream
 * elsewhere (another thread) with `setRngState`; null for any other `Rng`.
 */
export function rngState(rng: Rng): number[] | null {
  return rng instanceof Xoshiro128StarStar ? rng.state() : null;
}

/** Puts a `createRng` generator in the state `rngState` took; false for any other `Rng`. */
export function setRngState(rng: Rng, state: readonly number[]): boolean {
  if (!(rng instanceof Xoshiro128StarStar)) return false;
  if (state.length !== 4 || state.some((w) => !Number.isInteger(w)) || state.every((w) => w === 0)) {
    invalidArgument('state', 'four 32-bit integers from rngState (not all zero)', state);
  }
  rng.restore(state);
  return true;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A seeded, splittable generator. The same seed gives the same stream bit for bit on every platform.
 * `seed` is any integer in the safe range; it is reduced to 32 bits.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) invalidArgument('seed', 'a safe integer', seed);
  // Fold the high bits in so seeds differing only above bit 32 still differ.
  const high = Math.floor(seed / 2 ** 32);
  return new Xoshiro128StarStar((seed ^ Math.imul(high, 0x9e3779b1)) | 0);
}
