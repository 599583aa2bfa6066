import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnlError } from '@anl/core';

/** The four Fashion-MNIST (and MNIST) IDX file names; each may also be stored uncompressed (no .gz). */
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type FashionMnistFileKey = keyof typeof FASHION_MNIST_FILES;
export type FashionMnistPaths = Record<FashionMnistFileKey, string>;

/** Where the Debian package dataset-fashion-mnist puts the files. */
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The per-user cache directory searched before the system one. */
export function cacheFashionMnistDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'anl', 'fashion-mnist');
}

/** The directories searched, in order, with where each came from. */
export function fashionMnistSearchPath(dir?: string): { dir: string; from: string }[] {
  if (dir !== undefined) return [{ dir: resolve(dir), from: 'the dir option' }];
  const out: { dir: string; from: string }[] = [];
  const anlDataDir = process.env.ANL_DATA_DIR;
  if (anlDataDir) {
    // ANL_DATA_DIR may name the folder itself or a parent holding fashion-mnist/.
    out.push({ dir: resolve(anlDataDir), from: 'ANL_DATA_DIR' });
    out.push({ dir: resolve(anlDataDir, 'fashion-mnist'), from: 'ANL_DATA_DIR' });
  }
  const fmDir = process.env.FASHION_MNIST_DIR;
  if (fmDir) out.push({ dir: resolve(fmDir), from: 'FASHION_MNIST_DIR' });
  out.push({ dir: cacheFashionMnistDir(), from: 'the cache' });
  out.push({ dir: SYSTEM_FASHION_MNIST_DIR, from: 'dataset-fashion-mnist' });
  return out;
}

/** The paths of the four files in `dir` (`.gz` preferred, raw accepted), or null if any is missing. */
export function fashionMnistFilesIn(dir: string): FashionMnistPaths | null {
  const paths: Partial<FashionMnistPaths> = {};
  for (const [key, name] of Object.entries(FASHION_MNIST_FILES) as [FashionMnistFileKey, string][]) {
    const gz = join(dir, `${name}.gz`);
    const raw = join(dir, name);
    if (existsSync(gz)) paths[key] = gz;
    else if (existsSync(raw)) paths[key] = raw;
    else return null;
  }
  return paths as FashionMnistPaths;
}

/**
 * Find the full Fashion-MNIST: the `dir` option, else $ANL_DATA_DIR (or $ANL_DATA_DIR/fashion-mnist),
 * $FASHION_MNIST_DIR, ~/.cache/anl/fashion-mnist, /usr/share/datasets/fashion-mnist. Returns null when
 * none holds all four files (use `fashionMnistNotFound` for the error).
 */
export function findFashionMnist(dir?: string): { dir: string; paths: FashionMnistPaths } | null {
  for (const candidate of fashionMnistSearchPath(dir)) {
    const paths = fashionMnistFilesIn(candidate.dir);
    if (paths) return { dir: candidate.dir, paths };
  }
  return null;
}

/** The NOT_FOUND error that says where we looked and exactly how to get the files. */
export function fashionMnistNotFound(dir?: string): AnlError {
  const searched = fashionMnistSearchPath(dir)
    .map((c) => `  ${c.dir} (${c.from})`)
    .join('\n');
  const names = Object.values(FASHION_MNIST_FILES)
    .map((n) => `${n}.gz`)
    .join(', ');
  return new AnlError(
    'NOT_FOUND',
    `Fashion-MNIST not found. Looked in:\n${searched}\n` +
      'To get it: `apt-get install dataset-fashion-mnist` (Debian/Ubuntu; installs into ' +
      `${SYSTEM_FASHION_MNIST_DIR}), or download ${names} from ` +
      'https://github.com/zalandoresearch/fashion-mnist and put them (gzipped or not) in ' +
      `${cacheFashionMnistDir()} or in a folder named by ANL_DATA_DIR or the dir option. ` +
      "Or use { source: 'embedded' } for the 7,000-image subset shipped with @anl/models.",
    { argument: dir === undefined ? 'source' : 'dir' },
  );
}

/** This module's own file: `__filename` in the CJS build, `import.meta.url` in ESM. */
function thisFile(): string {
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
}

/** The folder holding the embedded subset shipped in the package (data/fashion-mnist-subset). */
export function embeddedFashionMnistDir(): string {
  // Works from src/node/*.ts (tests) and dist/*.js / dist/*.cjs (built).
  let here = dirname(thisFile());
  for (let up = 0; up < 4; up++) {
    const candidate = join(here, 'data', 'fashion-mnist-subset');
    if (existsSync(join(candidate, `${FASHION_MNIST_FILES.trainLabels}.gz`))) return candidate;
    here = dirname(here);
  }
  throw new AnlError(
    'NOT_FOUND',
    `the embedded Fashion-MNIST subset (data/fashion-mnist-subset) is missing from the @anl/models install near ${thisFile()}`,
    { argument: 'source' },
  );
}
