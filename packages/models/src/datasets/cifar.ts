import { AnlError, invalidArgument } from '@anl/core';
import { checkedLabels, type ImageSet, pixelsToImageSet } from './image-set';

const CIFAR_PIXELS = 32 * 32 * 3;

export interface CifarParseOptions {
  /** 10: records of 1 label byte + 3072 pixels; 100: coarse byte, fine byte, 3072 pixels. */
  variant: 10 | 100;
  /** CIFAR-100 only: which label to keep (default 'fine', 100 classes; 'coarse' has 20). */
  label?: 'fine' | 'coarse';
  /** For error messages (the file name). */
  name?: string;
}

/** Parsed CIFAR records: pixels in NHWC byte order (converted from the file's planar CHW) and labels. */
export interface CifarRecords {
  pixels: Uint8Array;
  labels: Int32Array;
  numClasses: number;
}

/** Bytes per record: 3073 (CIFAR-10) or 3074 (CIFAR-100). */
export function cifarRecordBytes(variant: 10 | 100): number {
  return CIFAR_PIXELS + (variant === 10 ? 1 : 2);
}

/**
 * Parse a CIFAR-10 / CIFAR-100 binary batch file (e.g. data_batch_1.bin, train.bin). The length must
 * be a positive multiple of the record length (AnlError 'DATA_FORMAT' otherwise, naming the file and
 * the expected vs actual byte counts); labels must be in range.
 */
export function parseCifar(bytes: Uint8Array, options: CifarParseOptions): CifarRecords {
  const { variant } = options;
  if (variant !== 10 && variant !== 100) invalidArgument('variant', '10 or 100', variant);
  const label = options.label ?? 'fine';
  if (label !== 'fine' && label !== 'coarse') invalidArgument('label', "'fine' or 'coarse'", label);
  if (variant === 10 && options.label === 'coarse') {
    invalidArgument('label', "unset or 'fine' for CIFAR-10 (it has no coarse labels)", label);
  }
  const name = options.name ?? `CIFAR-${variant} batch`;
  const record = cifarRecordBytes(variant);
  if (bytes.byteLength === 0 || bytes.byteLength % record !== 0) {
    const whole = Math.max(1, Math.round(bytes.byteLength / record));
    throw new AnlError(
      'DATA_FORMAT',
      `${name}: CIFAR-${variant} files are a whole number of ${record}-byte records: expected e.g. ` +
        `${whole * record} bytes (${whole} records), got ${bytes.byteLength} (truncated or not CIFAR-${variant}?)`,
      { argument: name },
    );
  }
  const n = bytes.byteLength / record;
  const numClasses = variant === 10 ? 10 : label === 'fine' ? 100 : 20;
  const labelOffset = variant === 10 ? 0 : label === 'coarse' ? 0 : 1;
  const headerBytes = record - CIFAR_PIXELS;
  const rawLabels = new Uint8Array(n);
  const pixels = new Uint8Array(n * CIFAR_PIXELS);
  for (let i = 0; i < n; i++) {
    const base = i * record;
    rawLabels[i] = bytes[base + labelOffset];
    const src = base + headerBytes;
    const dst = i * CIFAR_PIXELS;
    // File layout is planar (1024 R, 1024 G, 1024 B); tfjs wants HWC interleaved.
    for (let p = 0; p < 1024; p++) {
      pixels[dst + 3 * p] = bytes[src + p];
      pixels[dst + 3 * p + 1] = bytes[src + 1024 + p];
      pixels[dst + 3 * p + 2] = bytes[src + 2048 + p];
    }
  }
  return { pixels, labels: checkedLabels(rawLabels, numClasses, name), numClasses };
}

/** Concatenate parsed batches and turn them into tensors: xs [N, 32, 32, 3] in [0, 1], ys one-hot. */
export function cifarToImageSet(batches: CifarRecords[]): ImageSet {
  if (batches.length === 0) invalidArgument('batches', 'at least one parsed CIFAR batch', batches);
  const numClasses = batches[0].numClasses;
  for (const b of batches) {
    if (b.numClasses !== numClasses) {
      invalidArgument('batches', `all with ${numClasses} classes`, b.numClasses);
    }
  }
  const n = batches.reduce((s, b) => s + b.labels.length, 0);
  const pixels = new Uint8Array(n * CIFAR_PIXELS);
  const labels = new Int32Array(n);
  let at = 0;
  for (const b of batches) {
    pixels.set(b.pixels, at * CIFAR_PIXELS);
    labels.set(b.labels, at);
    at += b.labels.length;
  }
  return pixelsToImageSet(pixels, [n, 32, 32, 3], labels, numClasses);
}
