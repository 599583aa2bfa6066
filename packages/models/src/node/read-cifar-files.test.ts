import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readCifarFiles } from './read-cifar-files';

/** A CIFAR-10 record whose three planes are filled with r, g, b. */
function record(label: number, r: number, g: number, b: number): Uint8Array {
  const out = new Uint8Array(3073);
  out[0] = label;
  out.fill(r, 1, 1025);
  out.fill(g, 1025, 2049);
  out.fill(b, 2049, 3073);
  return out;
}

describe('readCifarFiles', () => {
  it('reads and concatenates batch files, gzipped or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anl-cifar-'));
    const a = join(dir, 'data_batch_1.bin');
    const b = join(dir, 'data_batch_2.bin.gz');
    writeFileSync(a, Buffer.concat([record(3, 255, 0, 0), record(9, 0, 255, 0)]));
    writeFileSync(b, gzipSync(record(0, 0, 0, 255)));
    const set = await readCifarFiles([a, b], { variant: 10 });
    expect(set.xs.shape).toEqual([3, 32, 32, 3]);
    expect(Array.from(set.labels)).toEqual([3, 9, 0]);
    // Pixel (7, 11) of each image is pure red, green, blue.
    const pixel = tf.tidy(() =>
      tf.reshape(tf.slice(set.xs, [0, 7, 11, 0], [3, 1, 1, 3]), [3, 3]).arraySync(),
    );
    expect(pixel).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    tf.dispose([set.xs, set.ys]);
  });

  it('names the file whose length is not whole records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anl-cifar-bad-'));
    const bad = join(dir, 'test_batch.bin');
    writeFileSync(bad, record(1, 0, 0, 0).subarray(0, 3000));
    await expect(readCifarFiles([bad], { variant: 10 })).rejects.toThrow(/test_batch\.bin.*got 3000/);
    await expect(readCifarFiles([], { variant: 10 })).rejects.toThrow(/paths must be at least one/);
  });
});
