import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelStats, cropFlipAugmenter, normalizePerChannel, randomCropFlip } from './augment';

/** A generator that replays fixed values, so the crop offsets and flips are known. */
function replay(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('randomCropFlip', () => {
  // 1 image 3x3x1 with values 1..9.
  const image = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);

  it('crops from zero padding at the drawn offset (hand-computed)', () => {
    // pad 1 -> offsets in {0,1,2}; uniform 0 -> dy = 0, 0.99 -> dx = 2, 0.9 -> no flip.
    const out = randomCropFlip(image, replay([0, 0.99, 0.9]), { pad: 1 });
    // Source pixel (y - 1, x + 1): row -1 is zero padding, column 3 too.
    expect(Array.from(out.dataSync())).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
    out.dispose();
  });

  it('flips horizontally when drawn, and is the identity at the centre offset without flip', () => {
    const centre = 0.5; // floor(0.5 * 3) = 1 = pad: no shift
    const same = randomCropFlip(image, replay([centre, centre, 0.9]), { pad: 1 });
    expect(Array.from(same.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const flipped = randomCropFlip(image, replay([centre, centre, 0.1]), { pad: 1 });
    expect(Array.from(flipped.dataSync())).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    tf.dispose([same, flipped]);
  });

  it('keeps every output pixel either zero or a pixel of the same image and channel (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 3 }), (seed, pad) => {
        const xs = tf.tensor4d(
          Array.from({ length: 2 * 4 * 4 * 2 }, (_, i) => i + 1),
          [2, 4, 4, 2],
        );
        const out = cropFlipAugmenter(seed, { pad })(xs);
        const src = xs.dataSync();
        const got = out.dataSync();
        for (let i = 0; i < got.length; i++) {
          if (got[i] === 0) continue;
          const v = got[i] - 1; // original flat index
          expect(Math.floor(v / 32)).toBe(Math.floor(i / 32)); // same image
          expect(v % 2).toBe(i % 2); // same channel
          expect(src[v]).toBe(got[i]);
        }
        tf.dispose([xs, out]);
      }),
      { numRuns: 30 },
    );
  });

  it('is reproducible from the seed and varies across seeds', () => {
    const xs = tf.randomUniform([8, 6, 6, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const a = cropFlipAugmenter(11)(xs);
    const b = cropFlipAugmenter(11)(xs);
    const c = cropFlipAugmenter(12)(xs);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([xs, a, b, c, image]);
  });
});

describe('per-channel normalisation', () => {
  it('gives each channel mean 0 and std 1 with its own statistics', () => {
    const xs = tf.tensor4d([1, 10, 3, 30, 5, 50, 7, 70], [2, 2, 1, 2]);
    const stats = channelStats(xs);
    expect(stats.mean[0]).toBeCloseTo(4, 5);
    expect(stats.mean[1]).toBeCloseTo(40, 4);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(5), 5); // population std of 1,3,5,7
    expect(stats.std[1]).toBeCloseTo(Math.sqrt(500), 4);
    const out = normalizePerChannel(xs, stats);
    const m = channelStats(out);
    for (const v of m.mean) expect(v).toBeCloseTo(0, 5);
    for (const v of m.std) expect(v).toBeCloseTo(1, 5);
    tf.dispose([xs, out]);
  });

  it('rejects statistics of the wrong length or a zero std', () => {
    const xs = tf.zeros([1, 1, 1, 3]) as tf.Tensor4D;
    expect(() => normalizePerChannel(xs, { mean: [0], std: [1] })).toThrow(/stats\.mean must be 3 values/);
    expect(() => normalizePerChannel(xs, { mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(/stats\.std\[1\]/);
    xs.dispose();
  });
});
