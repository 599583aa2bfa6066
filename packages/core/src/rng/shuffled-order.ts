import type { Rng } from './rng';

/**
 * A permutation of 0..n-1 drawn with `rng` (Fisher-Yates), or the identity when `shuffle` is false.
 * The one shuffle of every @anl package: the fit loop's epochs and the data sets' streams.
 */
export function shuffledOrder(n: number, rng: Rng, shuffle = true): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (!shuffle) return order;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
