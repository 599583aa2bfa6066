import { AnlError } from '@anl/core';

/** Magic numbers of the two IDX files MNIST-style data sets use (unsigned byte data). */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

/** A parsed IDX file of unsigned bytes: its dimensions and its data (a view into the input). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parse an uncompressed IDX file of unsigned bytes (type code 0x08). `name` is used in error messages
 * (the file name). `expectedMagic` pins the rank: 0x803 for images [N, rows, cols], 0x801 for labels [N].
 * Throws AnlError('DATA_FORMAT') on a wrong magic number, a zero dimension, or a byte length that
 * disagrees with the header (truncated or padded file).
 */
export function parseIdx(bytes: Uint8Array, name: string, expectedMagic?: number): IdxArray {
  if (bytes.byteLength < 4) {
    throw new AnlError(
      'DATA_FORMAT',
      `${name}: not an IDX file: expected at least 4 header bytes, got ${bytes.byteLength}`,
      { argument: name },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = (magic >>> 8) & 0xff;
  const rank = magic & 0xff;
  if (magic >>> 16 !== 0 || typeCode !== 0x08 || rank === 0) {
    throw new AnlError(
      'DATA_FORMAT',
      `${name}: not an unsigned-byte IDX file: magic number 0x${hex(magic)} (expected 0x0000080N)`,
      { argument: name },
    );
  }
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new AnlError(
      'DATA_FORMAT',
      `${name}: IDX magic number must be 0x${hex(expectedMagic)}, got 0x${hex(magic)}`,
      { argument: name },
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) {
    throw new AnlError(
      'DATA_FORMAT',
      `${name}: truncated IDX header: expected ${headerBytes} bytes for rank ${rank}, got ${bytes.byteLength}`,
      { argument: name },
    );
  }
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0) {
      throw new AnlError('DATA_FORMAT', `${name}: IDX dimension ${i} is 0`, { argument: name });
    }
    dims.push(d);
    count *= d;
  }
  const expectedBytes = headerBytes + count;
  if (bytes.byteLength !== expectedBytes) {
    const what = bytes.byteLength < expectedBytes ? 'truncated' : 'has trailing bytes';
    throw new AnlError(
      'DATA_FORMAT',
      `${name}: IDX file ${what}: header [${dims.join(', ')}] needs ${expectedBytes} bytes, got ${bytes.byteLength}`,
      { argument: name },
    );
  }
  return { dims, data: bytes.subarray(headerBytes, expectedBytes) };
}

/** Serialise unsigned bytes as an IDX file (used to write the embedded subset and in tests). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `data must have ${count} bytes for dims [${dims.join(', ')}], got ${data.length}`,
      { argument: 'data' },
    );
  }
  const out = new Uint8Array(4 + 4 * dims.length + count);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000800 | dims.length, false);
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d, false);
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
