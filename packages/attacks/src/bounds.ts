import { AnlError, invalidArgument } from '@anl/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** The valid input range of a model, `[lo, hi]` with lo < hi (e.g. [0, 1] or [0, 255]). */
export type Bounds = readonly [number, number];

/** Throws unless `bounds` is a pair of finite numbers with lo < hi. */
export function validateBounds(bounds: unknown, argument = 'bounds'): Bounds {
  if (!Array.isArray(bounds) || bounds.length !== 2) {
    invalidArgument(argument, 'a pair [lo, hi]', bounds);
  }
  const [lo, hi] = bounds as unknown[];
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    invalidArgument(argument, 'two finite numbers [lo, hi]', bounds);
  }
  if (!(lo < hi)) invalidArgument(argument, 'ordered with lo < hi', bounds);
  return [lo, hi];
}

/**
 * Throws AnlError('INVALID_ARGUMENT') if any element of `x` lies outside `bounds` (foolbox checks
 * inputs against the model's bounds before attacking: an attack clipped to the wrong range is silently
 * wrong). A slack of 1e-6 of the range absorbs float rounding from a caller's own normalisation.
 */
export function assertInBounds(x: Tensor, bounds: Bounds, argument = 'x'): void {
  if (x.size === 0) invalidArgument(argument, 'a non-empty tensor', `shape [${x.shape.join(', ')}]`);
  const [lo, hi] = bounds;
  const [min, max] = tf.tidy(() => [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]]);
  const slack = 1e-6 * (hi - lo);
  if (Number.isNaN(min) || Number.isNaN(max)) {
    throw new AnlError('INVALID_ARGUMENT', `${argument} must not contain NaN`, { argument });
  }
  if (min < lo - slack || max > hi + slack) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `${argument} must lie inside the model's bounds [${lo}, ${hi}], got values in [${min}, ${max}]`,
      { argument },
    );
  }
}
