#!/usr/bin/env node
// Makes data/fashion-mnist-subset/: a fixed, class-balanced subset of Fashion-MNIST (the first
// 600 images of each class in the training file, the first 100 of each class in the test file,
// kept in file order), written as gzipped IDX files with the standard names.
// Usage: node scripts/make-embedded-subset.mjs [sourceDir] (default /usr/share/datasets/fashion-mnist)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const PER_CLASS = { train: 600, t10k: 100 };
const NUM_CLASSES = 10;
const sourceDir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'fashion-mnist-subset');

function readIdx(path, magic) {
  let bytes = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${path}: magic ${view.getUint32(0).toString(16)}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const header = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== header + size)
    throw new Error(`${path}: ${bytes.byteLength} bytes, need ${header + size}`);
  return { dims, data: bytes.subarray(header) };
}

function writeIdx(path, magic, dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  for (const [i, d] of dims.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  // mtime 0 in the gzip header (zlib's default) keeps the output byte-identical run to run.
  const gz = gzipSync(Buffer.concat([header, Buffer.from(data)]), { level: 9 });
  writeFileSync(path, gz);
  return createHash('sha256').update(gz).digest('hex');
}

mkdirSync(outDir, { recursive: true });
for (const split of ['train', 't10k']) {
  const images = readIdx(join(sourceDir, `${split}-images-idx3-ubyte.gz`), 0x803);
  const labels = readIdx(join(sourceDir, `${split}-labels-idx1-ubyte.gz`), 0x801);
  const [n, rows, cols] = images.dims;
  const pixels = rows * cols;
  const taken = new Array(NUM_CLASSES).fill(0);
  const chosen = [];
  for (let i = 0; i < n; i++) {
    const y = labels.data[i];
    if (taken[y] < PER_CLASS[split]) {
      taken[y]++;
      chosen.push(i);
    }
  }
  if (taken.some((t) => t !== PER_CLASS[split])) throw new Error(`${split}: per-class counts ${taken}`);
  const outImages = new Uint8Array(chosen.length * pixels);
  const outLabels = new Uint8Array(chosen.length);
  chosen.forEach((src, dst) => {
    outImages.set(images.data.subarray(src * pixels, (src + 1) * pixels), dst * pixels);
    outLabels[dst] = labels.data[src];
  });
  const imgHash = writeIdx(
    join(outDir, `${split}-images-idx3-ubyte.gz`),
    0x803,
    [chosen.length, rows, cols],
    outImages,
  );
  const lblHash = writeIdx(join(outDir, `${split}-labels-idx1-ubyte.gz`), 0x801, [chosen.length], outLabels);
  console.log(
    `${split}: ${chosen.length} images (${PER_CLASS[split]}/class), last source index ${chosen.at(-1)}`,
  );
  console.log(`  sha256 images ${imgHash}\n  sha256 labels ${lblHash}`);
}
