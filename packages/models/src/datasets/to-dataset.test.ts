import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ImageSet } from './image-set';
import { imageSetToDataset } from './to-dataset';

function tinySet(n: number): ImageSet {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  return {
    xs: tf.tensor4d(
      Array.from({ length: n }, (_, i) => i),
      [n, 1, 1, 1],
    ),
    ys: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3) as tf.Tensor2D),
    labels,
  };
}

async function epoch(
  ds: ReturnType<typeof imageSetToDataset>,
  scale = 1,
): Promise<{ ids: number[]; sizes: number[] }> {
  const ids: number[] = [];
  const sizes: number[] = [];
  await ds.forEachAsync((b) => {
    const x = Array.from(b.xs.dataSync(), (v) => v / scale);
    const y = tf.tidy(() => Array.from(tf.argMax(b.ys, 1).dataSync()));
    // xs and ys stay paired: label = id mod 3 (xs = scale * id).
    for (const [i, v] of x.entries()) expect(y[i]).toBe(v % 3);
    ids.push(...x);
    sizes.push(x.length);
    tf.dispose([b.xs, b.ys]);
  });
  return { ids, sizes };
}

describe('imageSetToDataset', () => {
  it('visits every sample once per epoch in batches, the last one smaller', async () => {
    const set = tinySet(10);
    const ds = imageSetToDataset(set, { batchSize: 4, seed: 5 });
    const first = await epoch(ds);
    expect(first.sizes).toEqual([4, 4, 2]);
    expect([...first.ids].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const second = await epoch(ds);
    expect(second.ids).not.toEqual(first.ids); // reshuffled
    const again = await epoch(imageSetToDataset(set, { batchSize: 4, seed: 5 }));
    expect(again.ids).toEqual(first.ids); // same seed, same order
    const plain = await epoch(imageSetToDataset(set, { batchSize: 3, shuffle: false }));
    expect(plain.ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    tf.dispose([set.xs, set.ys]);
  });

  it('does not leak tensors across epochs', async () => {
    const set = tinySet(12);
    const ds = imageSetToDataset(set, { batchSize: 5, transform: (xs) => tf.mul(xs, 2) as tf.Tensor4D });
    const doubled = await epoch(ds, 2);
    expect([...doubled.ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) await epoch(ds, 2);
    expect(tf.memory().numTensors).toBe(after1);
    tf.dispose([set.xs, set.ys]);
  });

  it('rejects a bad batch size', () => {
    const set = tinySet(2);
    expect(() => imageSetToDataset(set, { batchSize: 0 })).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    tf.dispose([set.xs, set.ys]);
  });
});
