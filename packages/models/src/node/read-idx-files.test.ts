import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../datasets/idx';
import { disposeImageSet } from '../datasets/image-set';
import { readIdxImageSet } from './read-idx-files';

/** Three 2x2 images (labels 0, 1, 2) as raw IDX files in a fresh folder. */
function writeThree(): { images: string; labels: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'anl-idx-'));
  const images = join(dir, 'images-idx3-ubyte');
  const labels = join(dir, 'labels-idx1-ubyte');
  writeFileSync(images, encodeIdx([3, 2, 2], new Uint8Array(12)));
  writeFileSync(labels, encodeIdx([3], Uint8Array.from([0, 1, 2])));
  return { images, labels, dir };
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

describe('readIdxImageSet refuses bad input with a typed error naming it', () => {
  it('numClasses must be a whole number in [1, 65536]: 10.5, 1e9, 0 and NaN are refused, no tensor made', async () => {
    const { images, labels } = writeThree();
    const before = tf.memory().numTensors;
    for (const numClasses of [10.5, 1e9, 0, Number.NaN]) {
      const error = await errorOf(readIdxImageSet(images, labels, { numClasses }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.argument).toBe('options.numClasses');
      expect(error.message).toMatch(/numClasses must be an integer in \[1, 65536\]/);
    }
    expect(tf.memory().numTensors).toBe(before);
    const set = await readIdxImageSet(images, labels, { numClasses: 3 });
    expect(set.ys.shape).toEqual([3, 3]);
    disposeImageSet(set);
  });

  it('a missing file is NOT_FOUND naming the path, not a raw ENOENT', async () => {
    const { images, dir } = writeThree();
    const missing = join(dir, 'no-such-labels');
    const error = await errorOf(readIdxImageSet(images, missing));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(missing);
    expect(error.message).toMatch(/no such file/);
  });

  it('a directory is INVALID_ARGUMENT naming the path, not a raw EISDIR', async () => {
    const { labels, dir } = writeThree();
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const error = await errorOf(readIdxImageSet(folder, labels));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`${folder} is a directory`);
  });
});
