import { createRng } from '@anl/core';

/**
 * Random draws on the host from @anl/core's generator, fed to graphs as data. ORT's seeded
 * RandomNormal keeps its state in the session and advances it on every run, so with cached
 * sessions the same seed would not repeat its values.
 */

/** `size` draws of N(mean, std^2) from `createRng(seed)`. */
export function hostNormal(size: number, mean: number, std: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = mean + std * rng.normal();
  return out;
}

/** `size` draws uniform in [lo, hi) from `createRng(seed)`. */
export function hostUniform(size: number, lo: number, hi: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // Rounding to float32 can land exactly on hi; the contract says [lo, hi).
    const x = Math.fround(lo + (hi - lo) * rng.uniform());
    out[i] = x >= hi && hi > lo ? lo : x;
  }
  return out;
}
