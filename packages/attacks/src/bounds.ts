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

function checkNonEmpty(x: Tensor, argument: string): void {
  if (x.size === 0) invalidArgument(argument, 'a non-empty tensor', `shape [${x.shape.join(', ')}]`);
}

/** The range check itself, on the already-read extremes of the input. */
function checkRange(min: number, max: number, bounds: Bounds, argument: string): void {
  const [lo, hi] = bounds;
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

/**
 * Throws AnlError('INVALID_ARGUMENT') if any element of `x` lies outside `bounds` (foolbox checks
 * inputs against the model's bounds before attacking: an attack clipped to the wrong range is silently
 * wrong). A slack of 1e-6 of the range absorbs float rounding from a caller's own normalisation.
 * Reads synchronously: on backends without synchronous reads (webgpu in Node) use `assertInBoundsAsync`.
 */
export function assertInBounds(x: Tensor, bounds: Bounds, argument = 'x'): void {
  checkNonEmpty(x, argument);
  const extremes = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
  const [min, max] = extremes.dataSync();
  extremes.dispose();
  checkRange(min, max, bounds, argument);
}

/** `assertInBounds` with an asynchronous read: works on every backend, webgpu in Node included. */
export async function assertInBoundsAsync(x: Tensor, bounds: Bounds, argument = 'x'): Promise<void> {
  checkNonEmpty(x, argument);
  const extremes = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
  const [min, max] = await extremes.data();
  extremes.dispose();
  checkRange(min, max, bounds, argument);
}
