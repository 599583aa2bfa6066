import { invalidArgument } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { seededUniform } from './seeded-random';

export interface CropFlipOptions {
  /** Zero padding on every side before the random crop back to the original size (default 4). */
  pad?: number;
  /** Mirror each image left-right with probability 1/2 (default true; turn off for digits). */
  flip?: boolean;
}

/**
 * The standard CIFAR augmentation: zero-pad each image by `pad` pixels, take a random HxW crop, and
 * flip it horizontally with probability 1/2. `uniform` is a seeded [0,1) generator (see
 * `cropFlipAugmenter`), so runs are reproducible. Returns a new tensor; `xs` is untouched.
 */
export function randomCropFlip(
  xs: tf.Tensor4D,
  uniform: () => number,
  options: CropFlipOptions = {},
): tf.Tensor4D {
  const pad = options.pad ?? 4;
  const flip = options.flip ?? true;
  if (!(Number.isInteger(pad) && pad >= 0)) invalidArgument('pad', 'a non-negative integer', pad);
  if (xs.rank !== 4) invalidArgument('xs', 'a rank-4 tensor [N, H, W, C]', xs.shape);
  const [n, h, w, c] = xs.shape;
  const src = xs.dataSync();
  const out = new Float32Array(src.length);
  const image = h * w * c;
  for (let i = 0; i < n; i++) {
    // Offset in the padded image; a source pixel is (y + dy - pad, x + dx - pad), zero outside.
    const dy = Math.floor(uniform() * (2 * pad + 1));
    const dx = Math.floor(uniform() * (2 * pad + 1));
    const mirror = flip && uniform() < 0.5;
    for (let y = 0; y < h; y++) {
      const sy = y + dy - pad;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const ox = mirror ? w - 1 - x : x;
        const sx = x + dx - pad;
        if (sx < 0 || sx >= w) continue;
        const s = i * image + (sy * w + sx) * c;
        const d = i * image + (y * w + ox) * c;
        for (let k = 0; k < c; k++) out[d + k] = src[s + k];
      }
    }
  }
  return tf.tensor4d(out, [n, h, w, c], 'float32');
}

/** A `(xs) => augmented xs` function with its own seeded stream (e.g. for a training loop's batches). */
export function cropFlipAugmenter(
  seed: number,
  options: CropFlipOptions = {},
): (xs: tf.Tensor4D) => tf.Tensor4D {
  const uniform = seededUniform(seed);
  return (xs) => randomCropFlip(xs, uniform, options);
}

/** Per-channel mean and standard deviation over N, H, W (population std). */
export function channelStats(xs: tf.Tensor4D): { mean: number[]; std: number[] } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(xs, [0, 1, 2]);
    return { mean: Array.from(mean.dataSync()), std: Array.from(tf.sqrt(variance).dataSync()) };
  });
}

/** (xs - mean[c]) / std[c] per channel c; `mean`/`std` as from `channelStats` on the training set. */
export function normalizePerChannel(
  xs: tf.Tensor4D,
  stats: { mean: readonly number[]; std: readonly number[] },
): tf.Tensor4D {
  const c = xs.shape[3];
  if (stats.mean.length !== c) invalidArgument('stats.mean', `${c} values (one per channel)`, stats.mean);
  if (stats.std.length !== c) invalidArgument('stats.std', `${c} values (one per channel)`, stats.std);
  stats.std.forEach((s, i) => {
    if (!(s > 0 && Number.isFinite(s))) invalidArgument(`stats.std[${i}]`, 'a positive finite number', s);
  });
  return tf.tidy(() =>
    tf.div(tf.sub(xs, tf.tensor1d(stats.mean as number[])), tf.tensor1d(stats.std as number[])),
  );
}
