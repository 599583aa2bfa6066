import * as tf from '@tensorflow/tfjs-core';
import { AnlError, invalidArgument } from '@anl/core';
import { disposeImageSet, type ImageSet } from '../datasets/image-set';
import {
  embeddedFashionMnistDir,
  type FashionMnistPaths,
  fashionMnistFilesIn,
  fashionMnistNotFound,
  findFashionMnist,
} from './fashion-mnist-location';
import type { ProgressOption } from './read-bytes';
import { readIdxImageSet } from './read-idx-files';

/** Fashion-MNIST class names, index = label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export interface LoadFashionMnistOptions {
  /**
   * 'full': the 70,000 images, found as described in `dir` (NOT_FOUND error if absent).
   * 'embedded': the 6,000 + 1,000 class-balanced subset shipped in the package.
   * 'auto' (default): full when found, else embedded.
   */
  source?: 'auto' | 'full' | 'embedded';
  /** Folder with the four IDX files. Unset: $ANL_DATA_DIR, $FASHION_MNIST_DIR, ~/.cache/anl/fashion-mnist, /usr/share/datasets/fashion-mnist. */
  dir?: string;
  /** Keep only the first n training / test images (file order), e.g. for quick runs. */
  trainLimit?: number;
  testLimit?: number;
  /** Progress of the file reads: callback, true (stderr line), false; default a stderr line on a TTY for big files. */
  progress?: ProgressOption;
}

export interface FashionMnist {
  train: ImageSet;
  test: ImageSet;
  /** Which data was loaded. */
  source: 'full' | 'embedded';
  /** The folder it came from. */
  dir: string;
}

/**
 * Load Fashion-MNIST as tensors: xs [N, 28, 28, 1] float32 in [0, 1], ys one-hot [N, 10], labels.
 * The caller owns the tensors (dispose them, or `disposeImageSet`).
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<FashionMnist> {
  const source = options.source ?? 'auto';
  if (source !== 'auto' && source !== 'full' && source !== 'embedded') {
    invalidArgument('source', "'auto', 'full' or 'embedded'", source);
  }
  checkLimit('trainLimit', options.trainLimit);
  checkLimit('testLimit', options.testLimit);
  if (source === 'embedded' && options.dir !== undefined) {
    invalidArgument('dir', "unset with source 'embedded'", options.dir);
  }
  let found: { dir: string; paths: FashionMnistPaths; source: 'full' | 'embedded' };
  if (source === 'embedded') {
    found = embedded();
  } else {
    const full = findFashionMnist(options.dir);
    if (full) found = { ...full, source: 'full' };
    // An explicit dir that lacks the files is an error, never a silent fallback.
    else if (source === 'full' || options.dir !== undefined) throw fashionMnistNotFound(options.dir);
    else found = embedded();
  }
  const read = { numClasses: 10, progress: options.progress };
  const train = await readIdxImageSet(found.paths.trainImages, found.paths.trainLabels, read);
  let test: ImageSet;
  try {
    test = await readIdxImageSet(found.paths.testImages, found.paths.testLabels, read);
  } catch (error) {
    disposeImageSet(train);
    throw error;
  }
  return {
    train: limitImageSet(train, options.trainLimit),
    test: limitImageSet(test, options.testLimit),
    source: found.source,
    dir: found.dir,
  };
}

function embedded(): { dir: string; paths: FashionMnistPaths; source: 'embedded' } {
  const dir = embeddedFashionMnistDir();
  const paths = fashionMnistFilesIn(dir);
  if (!paths) throw new AnlError('NOT_FOUND', `embedded subset incomplete in ${dir}`, { argument: 'source' });
  return { dir, paths, source: 'embedded' };
}

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    invalidArgument(name, 'a positive integer', value);
  }
}

/** The first `limit` images of a set (disposing the rest), or the set itself. */
function limitImageSet(set: ImageSet, limit: number | undefined): ImageSet {
  const n = set.labels.length;
  if (limit === undefined || limit >= n) return set;
  const out: ImageSet = {
    xs: tf.slice(set.xs, 0, limit),
    ys: tf.slice(set.ys, 0, limit),
    labels: set.labels.slice(0, limit),
  };
  disposeImageSet(set);
  return out;
}
