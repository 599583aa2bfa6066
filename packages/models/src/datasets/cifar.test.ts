import '@tensorflow/tfjs-backend-cpu';
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cifarToImageSet, parseCifar } from './cifar';

/** One CIFAR record: label byte(s), then planar R, G, B planes where plane value = f(channel, pixel). */
function record(labels: number[], value: (channel: number, pixel: number) => number): number[] {
  const out = [...labels];
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out.push(value(c, p));
  return out;
}

describe('parseCifar', () => {
  it('reads CIFAR-10 records and converts planar CHW to HWC', () => {
    const bytes = new Uint8Array([
      ...record([7], (c, p) => (c * 50 + p) % 256),
      ...record([2], (c) => 10 * (c + 1)),
    ]);
    const parsed = parseCifar(bytes, { variant: 10, name: 'data_batch_1.bin' });
    expect(Array.from(parsed.labels)).toEqual([7, 2]);
    expect(parsed.numClasses).toBe(10);
    // Pixel p of image 0 has channels (p, 50 + p, 100 + p) mod 256.
    expect(Array.from(parsed.pixels.subarray(0, 6))).toEqual([0, 50, 100, 1, 51, 101]);
    expect(Array.from(parsed.pixels.subarray(3 * 300, 3 * 300 + 3))).toEqual([44, 94, 144]);
    expect(Array.from(parsed.pixels.subarray(3072, 3072 + 3))).toEqual([10, 20, 30]);
  });

  it('picks the fine or coarse label of CIFAR-100', () => {
    const bytes = new Uint8Array([...record([19, 99], () => 0), ...record([3, 42], () => 0)]);
    expect(Array.from(parseCifar(bytes, { variant: 100 }).labels)).toEqual([99, 42]);
    const coarse = parseCifar(bytes, { variant: 100, label: 'coarse' });
    expect(Array.from(coarse.labels)).toEqual([19, 3]);
    expect(coarse.numClasses).toBe(20);
  });

  it('rejects lengths that are not whole records, naming file and byte counts', () => {
    const one = record([1], () => 0);
    expect(() => parseCifar(new Uint8Array(one.slice(0, 3000)), { variant: 10, name: 'b.bin' })).toThrow(
      /b\.bin.*3073-byte records.*got 3000/,
    );
    // A CIFAR-10 record read as CIFAR-100 does not divide evenly either.
    expect(() => parseCifar(new Uint8Array([...one, ...one]), { variant: 100 })).toThrow(AnlError);
    expect(() => parseCifar(new Uint8Array(0), { variant: 10 })).toThrow(/got 0/);
  });

  it('rejects out-of-range labels and bad options', () => {
    expect(() => parseCifar(new Uint8Array(record([10], () => 0)), { variant: 10 })).toThrow(/got 10/);
    expect(() => parseCifar(new Uint8Array(record([1], () => 0)), { variant: 10, label: 'coarse' })).toThrow(
      /label/,
    );
    expect(() => parseCifar(new Uint8Array(3073), { variant: 11 as 10 })).toThrow(/variant/);
  });

  it('makes [N, 32, 32, 3] tensors in [0, 1] from several batches', () => {
    const a = parseCifar(new Uint8Array(record([1], (c) => 255 * (c === 0 ? 1 : 0))), { variant: 10 });
    const b = parseCifar(new Uint8Array(record([4], () => 51)), { variant: 10 });
    const set = cifarToImageSet([a, b]);
    expect(set.xs.shape).toEqual([2, 32, 32, 3]);
    expect(Array.from(tf.slice(set.xs, [0, 5, 5, 0], [1, 1, 1, 3]).dataSync())).toEqual([1, 0, 0]);
    expect(tf.slice(set.xs, [1, 0, 0, 0], [1, 1, 1, 1]).dataSync()[0]).toBeCloseTo(0.2, 6);
    expect(Array.from(set.labels)).toEqual([1, 4]);
    expect(Array.from(tf.argMax(set.ys, 1).dataSync())).toEqual([1, 4]);
    tf.dispose([set.xs, set.ys]);
  });
});
