import { AnlError } from '@anl/core';
import { describe, expect, it } from 'vitest';
import { encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, isGzip, parseIdx } from './idx';

/** Hand-written IDX bytes: magic 0x00000803, dims 2 x 2 x 3, then 12 pixel bytes. */
const HAND_IMAGES = new Uint8Array([
  0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255,
]);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnlError);
    return (e as AnlError).code;
  }
  return undefined;
}

describe('parseIdx', () => {
  it('reads a hand-written images file', () => {
    const idx = parseIdx(HAND_IMAGES, 'hand', IDX_IMAGES_MAGIC);
    expect(idx.dims).toEqual([2, 2, 3]);
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
  });

  it('round-trips encodeIdx for labels', () => {
    const labels = new Uint8Array([3, 1, 4, 1, 5]);
    const bytes = encodeIdx([5], labels);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 5]);
    const idx = parseIdx(bytes, 'labels', IDX_LABELS_MAGIC);
    expect(idx.dims).toEqual([5]);
    expect(Array.from(idx.data)).toEqual([3, 1, 4, 1, 5]);
  });

  it('rejects a truncated file, naming it and the expected vs actual byte count', () => {
    const cut = HAND_IMAGES.subarray(0, HAND_IMAGES.length - 3);
    expect(() => parseIdx(cut, 'train-images-idx3-ubyte.gz', IDX_IMAGES_MAGIC)).toThrow(
      /train-images-idx3-ubyte\.gz.*truncated.*needs 28 bytes, got 25/,
    );
    expect(codeOf(() => parseIdx(cut, 'x'))).toBe('DATA_FORMAT');
  });

  it('rejects trailing bytes', () => {
    const long = new Uint8Array([...HAND_IMAGES, 0]);
    expect(() => parseIdx(long, 'f')).toThrow(/trailing bytes.*needs 28 bytes, got 29/);
  });

  it('rejects a wrong magic number (labels file given as images)', () => {
    const labels = encodeIdx([2], new Uint8Array([0, 1]));
    expect(() => parseIdx(labels, 'l', IDX_IMAGES_MAGIC)).toThrow(/must be 0x00000803, got 0x00000801/);
  });

  it('rejects non-IDX data, a short header, and zero dimensions', () => {
    expect(codeOf(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'gz'))).toBe('DATA_FORMAT');
    expect(codeOf(() => parseIdx(new Uint8Array([0, 0]), 'tiny'))).toBe('DATA_FORMAT');
    expect(codeOf(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), 'hdr'))).toBe('DATA_FORMAT');
    expect(codeOf(() => parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]), 'zero'))).toBe('DATA_FORMAT');
  });

  it('detects gzip by its magic bytes', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(HAND_IMAGES)).toBe(false);
  });
});
