import { AnlError, invalidArgument } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import type { IdxArray } from './idx';

/** Images and labels as tensors, ready for `model.fit` or `trainWithNoise`. */
export interface ImageSet {
  /** Images, float32 in [0, 1], shape [N, H, W, C]. */
  xs: tf.Tensor4D;
  /** One-hot labels, float32, shape [N, numClasses]. */
  ys: tf.Tensor2D;
  /** The integer labels, length N. */
  labels: Int32Array;
}

/** Most classes a one-hot `ys` is built for: IDX labels are bytes, and 2^16 columns is already huge. */
export const MAX_NUM_CLASSES = 65536;

/** Refuse a class count that is not a whole number in [1, MAX_NUM_CLASSES] (before any tensor exists). */
export function checkNumClasses(numClasses: unknown, argument = 'numClasses'): number {
  if (
    typeof numClasses !== 'number' ||
    !Number.isInteger(numClasses) ||
    numClasses < 1 ||
    numClasses > MAX_NUM_CLASSES
  ) {
    invalidArgument(argument, `an integer in [1, ${MAX_NUM_CLASSES}]`, numClasses);
  }
  return numClasses;
}

/** Check that every label is an integer class index below `numClasses`; returns them as Int32Array. */
export function checkedLabels(raw: ArrayLike<number>, numClasses: number, name: string): Int32Array {
  const labels = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const y = raw[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) {
      throw new AnlError(
        'DATA_FORMAT',
        `${name}: label ${i} must be an integer in [0, ${numClasses - 1}], got ${y}`,
        { argument: name },
      );
    }
    labels[i] = y;
  }
  return labels;
}

/**
 * Pair an IDX images file [N, H, W] with an IDX labels file [N] and turn them into tensors:
 * xs = pixels / 255 as [N, H, W, 1], ys one-hot. Throws AnlError('DATA_FORMAT') when the counts
 * differ or a label is out of range; no tensor is created before the checks pass.
 */
export function idxToImageSet(
  images: IdxArray,
  labels: IdxArray,
  options: { numClasses?: number; imagesName?: string; labelsName?: string } = {},
): ImageSet {
  const numClasses = checkNumClasses(options.numClasses ?? 10, 'options.numClasses');
  const imagesName = options.imagesName ?? 'images';
  const labelsName = options.labelsName ?? 'labels';
  if (images.dims.length !== 3) {
    throw new AnlError(
      'DATA_FORMAT',
      `${imagesName}: images must have dims [N, rows, cols], got [${images.dims.join(', ')}]`,
      { argument: imagesName },
    );
  }
  if (labels.dims.length !== 1) {
    throw new AnlError(
      'DATA_FORMAT',
      `${labelsName}: labels must have dims [N], got [${labels.dims.join(', ')}]`,
      { argument: labelsName },
    );
  }
  const [n, rows, cols] = images.dims;
  if (labels.dims[0] !== n) {
    throw new AnlError(
      'DATA_FORMAT',
      `${labelsName} has ${labels.dims[0]} labels but ${imagesName} has ${n} images: they must agree`,
      { argument: labelsName },
    );
  }
  const ints = checkedLabels(labels.data, numClasses, labelsName);
  return pixelsToImageSet(images.data, [n, rows, cols, 1], ints, numClasses);
}

/** Bytes in [0, 255] laid out [N, H, W, C] plus integer labels -> an ImageSet. */
export function pixelsToImageSet(
  pixels: Uint8Array,
  shape: [number, number, number, number],
  labels: Int32Array,
  numClasses: number,
): ImageSet {
  const floats = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) floats[i] = pixels[i] / 255;
  const xs = tf.tensor4d(floats, shape, 'float32');
  const ys = tf.tidy(
    () => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32') as tf.Tensor2D,
  );
  return { xs, ys, labels };
}

/** Dispose an ImageSet's tensors. */
export function disposeImageSet(set: ImageSet): void {
  set.xs.dispose();
  set.ys.dispose();
}
