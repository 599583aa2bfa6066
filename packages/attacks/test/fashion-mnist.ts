import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * A tiny Fashion-MNIST reader for tests (independent of @anl/models): the IDX files of the embedded
 * subset committed in packages/models/data, or the Debian files. Images as float32 in [0, 1].
 */
export const EMBEDDED_DIR = join(__dirname, '../../models/data/fashion-mnist-subset');
export const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

export interface FashionSlice {
  /** [count, 784] row-major pixels in [0, 1]. */
  pixels: Float32Array;
  labels: number[];
  count: number;
}

function readIdx(path: string): Uint8Array {
  const bytes = gunzipSync(readFileSync(path));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The first `count` images of the `train` or `t10k` split in `dir`. */
export function readFashionMnist(dir: string, split: 'train' | 't10k', count: number): FashionSlice {
  const images = readIdx(join(dir, `${split}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(dir, `${split}-labels-idx1-ubyte.gz`));
  const view = new DataView(images.buffer, images.byteOffset);
  if (view.getUint32(0) !== 0x803 || view.getUint32(8) !== 28 || view.getUint32(12) !== 28) {
    throw new Error(`${dir}/${split}: not a 28x28 IDX image file`);
  }
  const available = view.getUint32(4);
  if (count > available) throw new Error(`${dir}/${split}: asked for ${count} images, file has ${available}`);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i] / 255;
  return { pixels, labels: Array.from(labels.subarray(8, 8 + count)), count };
}

export function fashionMnistDir(): string {
  if (existsSync(join(EMBEDDED_DIR, 'train-images-idx3-ubyte.gz'))) return EMBEDDED_DIR;
  return SYSTEM_DIR;
}
