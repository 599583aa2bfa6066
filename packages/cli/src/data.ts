// `--data`: the embedded Fashion-MNIST subset (default), the full Fashion-MNIST, MNIST, CIFAR-10, or a
// folder holding IDX files (MNIST layout) or CIFAR-10 binary batches. Missing data is a NOT_FOUND
// error that says where we looked and how to get the files.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AnlError } from '@anl/core';
import type { ImageSet } from '@anl/models';
import { fashionMnistFilesIn, loadFashionMnist, readCifarFiles, readIdxImageSet } from '@anl/models/node';
import * as tf from '@tensorflow/tfjs';

export const DATA_SOURCES = ['embedded', 'fashion-mnist', 'mnist', 'cifar10'] as const;

export interface LoadedData {
  train: ImageSet;
  test: ImageSet;
  /** What was loaded and from where, for the result file. */
  name: string;
  dir: string;
  inputShape: [number, number, number];
  numClasses: number;
}

export interface LoadDataOptions {
  /** Keep the first n training / test images (quick runs and tests). */
  trainLimit?: number;
  testLimit?: number;
}

function dataRoots(name: string): string[] {
  const roots: string[] = [];
  if (process.env.ANL_DATA_DIR) roots.push(resolve(process.env.ANL_DATA_DIR, name));
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  roots.push(join(cache, 'anl', name), join('/usr/share/datasets', name));
  return roots;
}

const CIFAR_TRAIN = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const CIFAR_TEST = 'test_batch.bin';

function cifarFilesIn(dir: string): { train: string[]; test: string } | null {
  for (const sub of ['', 'cifar-10-batches-bin']) {
    const d = join(dir, sub);
    const pick = (f: string) =>
      existsSync(join(d, f)) ? join(d, f) : existsSync(join(d, `${f}.gz`)) ? join(d, `${f}.gz`) : null;
    const train = CIFAR_TRAIN.map(pick);
    const test = pick(CIFAR_TEST);
    if (test && train.every((t) => t !== null)) return { train: train as string[], test };
  }
  return null;
}

function notFound(name: string, searched: string[], howTo: string): never {
  throw new AnlError(
    'NOT_FOUND',
    `--data ${name}: not found. Looked in:\n${searched.map((d) => `  ${d}`).join('\n')}\nTo get it: ${howTo}`,
    { argument: '--data' },
  );
}

async function limit(set: ImageSet, n: number | undefined): Promise<ImageSet> {
  if (n === undefined || n >= set.labels.length) return set;
  const cut: ImageSet = {
    xs: tf.slice(set.xs, 0, n),
    ys: tf.slice(set.ys, 0, n),
    labels: set.labels.slice(0, n),
  };
  tf.dispose([set.xs, set.ys]);
  return cut;
}

async function fromIdx(dir: string, numClasses: number) {
  const paths = fashionMnistFilesIn(dir);
  if (paths === null) return null;
  const train = await readIdxImageSet(paths.trainImages, paths.trainLabels, { numClasses });
  const test = await readIdxImageSet(paths.testImages, paths.testLabels, { numClasses });
  return { train, test };
}

async function fromCifar(dir: string) {
  const files = cifarFilesIn(dir);
  if (files === null) return null;
  const train = await readCifarFiles(files.train, { variant: 10 });
  const test = await readCifarFiles([files.test], { variant: 10 });
  return { train, test };
}

/** Loads `--data` (a name from DATA_SOURCES or a folder). The caller disposes the tensors. */
export async function loadData(source: string, options: LoadDataOptions = {}): Promise<LoadedData> {
  let sets: { train: ImageSet; test: ImageSet } | null = null;
  let dir = '';
  if (source === 'embedded' || source === 'fashion-mnist') {
    try {
      const fm = await loadFashionMnist({ source: source === 'embedded' ? 'embedded' : 'full' });
      sets = { train: fm.train, test: fm.test };
      dir = fm.dir;
    } catch (error) {
      if (error instanceof AnlError)
        throw new AnlError(error.code, `--data ${source}: ${error.message}`, { argument: '--data' });
      throw error;
    }
  } else if (source === 'mnist') {
    const roots = dataRoots('mnist');
    for (const root of roots) {
      sets = await fromIdx(root, 10);
      if (sets) {
        dir = root;
        break;
      }
    }
    if (!sets) {
      notFound(
        'mnist',
        roots,
        'download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (e.g. from https://ossci-datasets.s3.amazonaws.com/mnist/) into one of these folders, or pass that folder as --data DIR.',
      );
    }
  } else if (source === 'cifar10') {
    const roots = dataRoots('cifar10');
    for (const root of roots) {
      sets = await fromCifar(root);
      if (sets) {
        dir = root;
        break;
      }
    }
    if (!sets) {
      notFound(
        'cifar10',
        roots,
        'download the binary version (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it into one of these folders, or pass that folder as --data DIR.',
      );
    }
  } else {
    dir = resolve(source);
    if (!existsSync(dir)) {
      throw new AnlError(
        'NOT_FOUND',
        `--data: ${JSON.stringify(source)} is neither one of ${DATA_SOURCES.join(', ')} nor an existing folder`,
        { argument: '--data' },
      );
    }
    sets = (await fromIdx(dir, 10)) ?? (await fromCifar(dir));
    if (!sets) {
      notFound(
        source,
        [dir],
        `put the four IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) or the CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin) there. Found: ${readdirSync(dir).slice(0, 8).join(', ') || 'nothing'}.`,
      );
    }
  }
  const loaded = sets as { train: ImageSet; test: ImageSet };
  const train = await limit(loaded.train, options.trainLimit);
  const test = await limit(loaded.test, options.testLimit);
  const [, h, w, c] = train.xs.shape as number[];
  return { train, test, name: source, dir, inputShape: [h, w, c], numClasses: train.ys.shape[1] as number };
}

/** Frees the data's tensors. */
export function disposeData(data: LoadedData): void {
  tf.dispose([data.train.xs, data.train.ys, data.test.xs, data.test.ys]);
}
