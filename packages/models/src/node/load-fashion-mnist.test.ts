import '@tensorflow/tfjs-backend-cpu';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from '../datasets/idx';
import { disposeImageSet } from '../datasets/image-set';
import { embeddedFashionMnistDir, SYSTEM_FASHION_MNIST_DIR } from './fashion-mnist-location';
import { loadFashionMnist } from './load-fashion-mnist';
import { readMaybeGzipped } from './read-bytes';

/** Write a tiny Fashion-MNIST-shaped folder: n images of 2x2, image i filled with value i, label i % 10. */
function writeTinySet(dir: string, n: number, gz: boolean): void {
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  const images = encodeIdx(
    [n, 2, 2],
    Uint8Array.from({ length: 4 * n }, (_, k) => Math.floor(k / 4)),
  );
  const labels = encodeIdx(
    [n],
    Uint8Array.from({ length: n }, (_, i) => i % 10),
  );
  for (const split of ['train', 't10k']) {
    write(`${split}-images-idx3-ubyte`, images);
    write(`${split}-labels-idx1-ubyte`, labels);
  }
}

async function errorOf(promise: Promise<unknown>): Promise<AnlError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(AnlError);
    return e as AnlError;
  }
  throw new Error('expected a rejection');
}

const savedEnv = { ...process.env };
beforeEach(() => {
  delete process.env.ANL_DATA_DIR;
  delete process.env.FASHION_MNIST_DIR;
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('loadFashionMnist embedded subset', () => {
  it('loads 6000 + 1000 images, 600 / 100 per class, shaped for LeNet-5', async () => {
    const before = tf.memory().numTensors;
    const data = await loadFashionMnist({ source: 'embedded' });
    expect(data.source).toBe('embedded');
    expect(data.train.xs.shape).toEqual([6000, 28, 28, 1]);
    expect(data.train.ys.shape).toEqual([6000, 10]);
    expect(data.test.xs.shape).toEqual([1000, 28, 28, 1]);
    const count = (labels: Int32Array) =>
      Array.from({ length: 10 }, (_, c) => labels.filter((y) => y === c).length);
    expect(count(data.train.labels)).toEqual(new Array(10).fill(600));
    expect(count(data.test.labels)).toEqual(new Array(10).fill(100));
    const max = tf.max(data.train.xs);
    const min = tf.min(data.train.xs);
    expect(max.dataSync()[0]).toBe(1);
    expect(min.dataSync()[0]).toBe(0);
    tf.dispose([max, min]);
    disposeImageSet(data.train);
    disposeImageSet(data.test);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.runIf(existsSync(join(SYSTEM_FASHION_MNIST_DIR, 't10k-labels-idx1-ubyte.gz')))(
    'is exactly the first 100 test images of each class of the original file, in order',
    async () => {
      const full = parseIdx(
        await readMaybeGzipped(join(SYSTEM_FASHION_MNIST_DIR, 't10k-labels-idx1-ubyte.gz')),
        'l',
      );
      const fullImages = parseIdx(
        await readMaybeGzipped(join(SYSTEM_FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')),
        'i',
      );
      const chosen: number[] = [];
      const seen = new Array(10).fill(0);
      full.data.forEach((y, i) => {
        if (seen[y]++ < 100) chosen.push(i);
      });
      const dir = embeddedFashionMnistDir();
      const sub = parseIdx(await readMaybeGzipped(join(dir, 't10k-images-idx3-ubyte.gz')), 's');
      const subLabels = parseIdx(await readMaybeGzipped(join(dir, 't10k-labels-idx1-ubyte.gz')), 'sl');
      expect(sub.dims).toEqual([1000, 28, 28]);
      chosen.forEach((src, dst) => {
        expect(subLabels.data[dst]).toBe(full.data[src]);
        expect(
          Buffer.compare(
            sub.data.subarray(dst * 784, dst * 784 + 784),
            fullImages.data.subarray(src * 784, src * 784 + 784),
          ),
        ).toBe(0);
      });
    },
  );
});

describe('loadFashionMnist locations', () => {
  it('reads the folder named by ANL_DATA_DIR (gzipped files) and by the dir option (raw files)', async () => {
    const gzDir = mkdtempSync(join(tmpdir(), 'anl-fm-gz-'));
    writeTinySet(gzDir, 12, true);
    process.env.ANL_DATA_DIR = gzDir;
    const fromEnv = await loadFashionMnist();
    expect(fromEnv.source).toBe('full');
    expect(fromEnv.dir).toBe(gzDir);
    expect(fromEnv.train.xs.shape).toEqual([12, 2, 2, 1]);
    // Image 3 is all 3/255; its label is 3.
    expect(tf.slice(fromEnv.train.xs, [3, 0, 0, 0], [1, 1, 1, 1]).dataSync()[0]).toBeCloseTo(3 / 255, 7);
    expect(fromEnv.train.labels[3]).toBe(3);

    const rawDir = mkdtempSync(join(tmpdir(), 'anl-fm-raw-'));
    writeTinySet(rawDir, 5, false);
    const fromDir = await loadFashionMnist({ dir: rawDir, trainLimit: 3 });
    expect(fromDir.dir).toBe(rawDir);
    expect(fromDir.train.xs.shape).toEqual([3, 2, 2, 1]);
    expect(fromDir.test.xs.shape).toEqual([5, 2, 2, 1]);
    for (const d of [fromEnv, fromDir]) {
      disposeImageSet(d.train);
      disposeImageSet(d.test);
    }
  });

  it('says exactly how to get the data when the dir option lacks the files', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'anl-fm-empty-'));
    const error = await errorOf(loadFashionMnist({ dir: empty }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(empty);
    expect(error.message).toContain('apt-get install dataset-fashion-mnist');
    expect(error.message).toContain('train-images-idx3-ubyte.gz');
    expect(error.message).toContain("source: 'embedded'");
  });

  it('names the truncated file and the expected vs actual byte counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anl-fm-trunc-'));
    writeTinySet(dir, 4, true);
    const images = encodeIdx([4, 2, 2], new Uint8Array(16));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images.subarray(0, images.length - 5)));
    const error = await errorOf(loadFashionMnist({ dir }));
    expect(error.code).toBe('DATA_FORMAT');
    expect(error.message).toMatch(/train-images-idx3-ubyte\.gz.*truncated.*needs 32 bytes, got 27/);
  });

  it('rejects a corrupt gzip stream and images/labels count mismatches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anl-fm-bad-'));
    writeTinySet(dir, 4, true);
    const gz = readFileSync(join(dir, 't10k-images-idx3-ubyte.gz'));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gz.subarray(0, gz.length - 10));
    const before = tf.memory().numTensors;
    const corrupt = await errorOf(loadFashionMnist({ dir }));
    expect(corrupt.code).toBe('DATA_FORMAT');
    expect(corrupt.message).toContain('t10k-images-idx3-ubyte.gz');
    expect(tf.memory().numTensors).toBe(before); // the train set read first was disposed

    writeTinySet(dir, 4, true);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([3], new Uint8Array(3))));
    const mismatch = await errorOf(loadFashionMnist({ dir }));
    expect(mismatch.message).toMatch(/has 3 labels but train-images-idx3-ubyte\.gz has 4 images/);
  });

  it('rejects bad options before reading anything', async () => {
    await expect(loadFashionMnist({ source: 'everything' as 'full' })).rejects.toThrow(/source must be/);
    await expect(loadFashionMnist({ source: 'embedded', trainLimit: 0 })).rejects.toThrow(
      /trainLimit must be a positive integer, got 0/,
    );
    await expect(loadFashionMnist({ source: 'embedded', dir: '/tmp' })).rejects.toThrow(/dir must be unset/);
  });

  it('reports read progress up to the file size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anl-fm-prog-'));
    writeTinySet(dir, 20, true);
    const seen: { file: string; loaded: number; total: number }[] = [];
    const data = await loadFashionMnist({ dir, progress: (p) => seen.push(p) });
    const last = seen.filter((p) => p.file.endsWith('train-images-idx3-ubyte.gz')).at(-1)!;
    expect(last.loaded).toBe(last.total);
    expect(last.total).toBe(readFileSync(join(dir, 'train-images-idx3-ubyte.gz')).length);
    disposeImageSet(data.train);
    disposeImageSet(data.test);
  });
});
