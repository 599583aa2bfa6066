import { invalidArgument } from '@anl/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { assertInBounds, assertInBoundsAsync, type Bounds, validateBounds } from './bounds';

/**
 * How the noisy input is brought back into the bounds. The WM paper only says "renormalized to be
 * within the range [0, 1]", so each reading is offered:
 * - 'range' (default): the linear map of the noisy range [lo, hi + a] onto [lo, hi], the same for
 *   every image: x' = lo + (x + n − lo)·(hi − lo)/(hi − lo + a). Identity at a = 0, so the a = 0 row of
 *   a robustness curve is the clean accuracy.
 * - 'per-image-minmax': each image's own min and max are stretched to lo and hi.
 * - 'per-image-max': each image is divided by its own max (meaningful for lo = 0).
 */
export type Renormalization = 'range' | 'per-image-minmax' | 'per-image-max';

export interface UniformNoiseOptions {
  /** Upper end of the noise U(0, a) (its lower end is always 0, as in the WM paper), in input units. */
  a: number;
  /** Seed of the noise draw. */
  seed: number;
  /** Input range (default [0, 1], the WM paper's). */
  bounds?: Bounds;
  /** See Renormalization; default 'range'. */
  renormalize?: Renormalization;
}

interface CheckedUniformNoise {
  a: number;
  seed: number;
  bounds: Bounds;
  mode: Renormalization;
}

/** Checks the options of `uniformNoise` (reads no tensor). */
export function checkUniformNoiseOptions(options: UniformNoiseOptions): CheckedUniformNoise {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { a, seed } = options;
  if (typeof a !== 'number' || !Number.isFinite(a) || a < 0)
    invalidArgument('options.a', 'a finite number >= 0', a);
  if (!Number.isInteger(seed)) invalidArgument('options.seed', 'an integer', seed);
  const bounds = validateBounds(options.bounds ?? [0, 1], 'options.bounds');
  const mode = options.renormalize ?? 'range';
  if (!['range', 'per-image-minmax', 'per-image-max'].includes(mode)) {
    invalidArgument('options.renormalize', "'range', 'per-image-minmax' or 'per-image-max'", mode);
  }
  return { a, seed, bounds, mode };
}

/** The noise and renormalisation on an input already checked to lie in the bounds. */
export function applyUniformNoise(x: Tensor, checked: CheckedUniformNoise): Tensor {
  const { a, seed, mode } = checked;
  const [lo, hi] = checked.bounds;
  return tf.tidy(() => {
    const noisy = a === 0 ? x : tf.add(x, tf.randomUniform(x.shape, 0, a, 'float32', seed));
    if (mode === 'range') return tf.add(lo, tf.mul(tf.sub(noisy, lo), (hi - lo) / (hi - lo + a)));
    const axes = x.shape.map((_, i) => i).slice(1);
    const max = tf.max(noisy, axes, true);
    if (mode === 'per-image-max') {
      // A constant-zero image stays zero instead of becoming NaN.
      return tf.clipByValue(tf.mul(tf.div(noisy, tf.maximum(max, 1e-30)), hi), lo, hi);
    }
    const min = tf.min(noisy, axes, true);
    const span = tf.maximum(tf.sub(max, min), 1e-30);
    return tf.add(lo, tf.mul(tf.div(tf.sub(noisy, min), span), hi - lo));
  });
}

/**
 * The WM paper's noise test: x + U(0, a) element-wise, then renormalised into the bounds.
 * Returns a new tensor. Checks `x` against the bounds with a synchronous read.
 */
export function uniformNoise(x: Tensor, options: UniformNoiseOptions): Tensor {
  if (!(x instanceof tf.Tensor) || x.rank < 2) invalidArgument('x', 'a tfjs Tensor of shape [B, ...]', x);
  const checked = checkUniformNoiseOptions(options);
  assertInBounds(x, checked.bounds, 'x');
  return applyUniformNoise(x, checked);
}

/** `uniformNoise` with an asynchronous bounds check: the same result on every backend, webgpu in Node included. */
export async function uniformNoiseAsync(x: Tensor, options: UniformNoiseOptions): Promise<Tensor> {
  if (!(x instanceof tf.Tensor) || x.rank < 2) invalidArgument('x', 'a tfjs Tensor of shape [B, ...]', x);
  const checked = checkUniformNoiseOptions(options);
  await assertInBoundsAsync(x, checked.bounds, 'x');
  return applyUniformNoise(x, checked);
}
