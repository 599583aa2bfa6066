import '@tensorflow/tfjs-backend-cpu';
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from './idx';
import { idxToImageSet } from './image-set';

const images = parseIdx(encodeIdx([2, 2, 2], new Uint8Array([0, 51, 102, 255, 255, 0, 0, 255])), 'img');

describe('idxToImageSet', () => {
  it('scales pixels to [0,1], adds the channel axis and one-hot encodes', () => {
    const labels = parseIdx(encodeIdx([2], new Uint8Array([9, 0])), 'lbl');
    const set = idxToImageSet(images, labels);
    expect(set.xs.shape).toEqual([2, 2, 2, 1]);
    expect(set.xs.dtype).toBe('float32');
    expect(Array.from(set.xs.dataSync())).toEqual([0, 0.2, 0.4, 1, 1, 0, 0, 1].map((v) => Math.fround(v)));
    expect(set.ys.shape).toEqual([2, 10]);
    expect(set.ys.arraySync()).toEqual([
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(Array.from(set.labels)).toEqual([9, 0]);
    tf.dispose([set.xs, set.ys]);
  });

  it('refuses mismatched counts and out-of-range labels before creating tensors', () => {
    const before = tf.memory().numTensors;
    const three = parseIdx(encodeIdx([3], new Uint8Array([1, 2, 3])), 'three');
    expect(() => idxToImageSet(images, three, { labelsName: 'lbl.gz', imagesName: 'img.gz' })).toThrow(
      /lbl\.gz has 3 labels but img\.gz has 2 images/,
    );
    const bad = parseIdx(encodeIdx([2], new Uint8Array([1, 10])), 'bad');
    expect(() => idxToImageSet(images, bad, { labelsName: 'bad.gz' })).toThrow(AnlError);
    expect(() => idxToImageSet(images, bad, { labelsName: 'bad.gz' })).toThrow(
      /label 1 must be .*\[0, 9\], got 10/,
    );
    expect(() => idxToImageSet(three, three)).toThrow(/dims \[N, rows, cols\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
