/**
 * A seeded, splittable pseudo-random generator: every run is reproducible from one seed, and
 * `split()` gives independent streams (per layer, per epoch) without sharing state.
 */
export interface Rng {
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A new generator whose stream is independent of this one's; advances this one. */
  split(): Rng;
}
