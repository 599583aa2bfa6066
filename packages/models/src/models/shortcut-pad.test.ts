import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShortcutPad } from './shortcut-pad';

describe('ShortcutPad (ResNet option A shortcut)', () => {
  it('keeps x[:, ::2, ::2, :] and zero-pads channels evenly (hand-computed)', () => {
    // x[0, y, x, c] = 10 * (4y + x) + c on a 4x4x2 image.
    const values = [];
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) for (let c = 0; c < 2; c++) values.push(10 * (4 * y + x) + c);
    const input = tf.tensor4d(values, [1, 4, 4, 2]);
    const layer = new ShortcutPad({ strides: 2, outChannels: 5 });
    const out = layer.apply(input) as tf.Tensor;
    expect(out.shape).toEqual([1, 2, 2, 5]);
    // Pixels (0,0), (0,2), (2,0), (2,2) -> 0, 20, 80, 100; 3 new channels: 1 before, 2 after.
    expect(out.arraySync()).toEqual([
      [
        [
          [0, 0, 1, 0, 0],
          [0, 20, 21, 0, 0],
        ],
        [
          [0, 80, 81, 0, 0],
          [0, 100, 101, 0, 0],
        ],
      ],
    ]);
    expect(layer.computeOutputShape([null, 5, 5, 2])).toEqual([null, 3, 3, 5]);
    tf.dispose([input, out]);
  });

  it('passes gradients back to the kept pixels only', () => {
    const layer = new ShortcutPad({ strides: 2, outChannels: 2 });
    const x = tf.ones([1, 2, 2, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t) as tf.Tensor))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 0, 0, 0]);
    tf.dispose([x, g]);
  });

  it('rejects bad configs and more input channels than outChannels', () => {
    expect(() => new ShortcutPad({ strides: 0, outChannels: 4 })).toThrow(
      /strides must be a positive integer/,
    );
    expect(() => new ShortcutPad({ strides: 1, outChannels: -1 })).toThrow(/outChannels/);
    const x = tf.zeros([1, 2, 2, 8]);
    expect(() => new ShortcutPad({ strides: 1, outChannels: 4 }).apply(x)).toThrow(/at most outChannels/);
    x.dispose();
  });
});
