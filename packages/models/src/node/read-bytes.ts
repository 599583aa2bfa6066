import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { AnlError, invalidArgument } from '@anl/core';

/** Where a file read is: `loaded` of `total` bytes of the file on disk (compressed bytes for .gz). */
export interface ReadProgress {
  file: string;
  loaded: number;
  total: number;
}

export type ProgressOption = boolean | ((progress: ReadProgress) => void);

/** Files at least this big get a progress line on stderr by default (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Read a whole file, gunzipping it when it starts with the gzip magic (1f 8b) whatever its name.
 * `progress`: a callback, `true` for a line on stderr, `false` for silence; default: a stderr line for
 * files of 4 MiB or more when stderr is a TTY.
 */
export async function readMaybeGzipped(path: string, progress?: ProgressOption): Promise<Uint8Array> {
  const total = await regularFileSize(path);
  const report = progressReporter(path, total, progress);
  const head = await readHead(path);
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const chunks: Buffer[] = [];
  let loaded = 0;
  const source = createReadStream(path);
  source.on('data', (chunk) => {
    loaded += chunk.length;
    report?.(loaded);
  });
  const stream = gz ? source.pipe(createGunzip()) : source;
  try {
    await new Promise<void>((resolve, reject) => {
      source.on('error', reject);
      stream.on('error', reject);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve());
    });
  } catch (error) {
    throw new AnlError(
      'DATA_FORMAT',
      `${path}: could not ${gz ? 'gunzip' : 'read'} the file (${(error as Error).message}); delete it and fetch it again`,
      { argument: basename(path), cause: error },
    );
  }
  report?.(total, true);
  const joined = Buffer.concat(chunks);
  return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
}

/** The file's size; a typed AnlError naming the path when it is missing or not a regular file. */
async function regularFileSize(path: string): Promise<number> {
  if (typeof path !== 'string' || path.length === 0) invalidArgument('path', 'a non-empty file path', path);
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    const why = cause.code === 'ENOENT' ? 'no such file' : `cannot be read (${cause.code ?? cause.message})`;
    throw new AnlError('NOT_FOUND', `${path}: ${why}`, { argument: basename(path), cause });
  });
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a directory' : 'not a regular file';
    throw new AnlError('INVALID_ARGUMENT', `${path} is ${what}; expected a data file`, {
      argument: basename(path),
    });
  }
  return info.size;
}

async function readHead(path: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start: 0, end: 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function progressReporter(
  path: string,
  total: number,
  option: ProgressOption | undefined,
): ((loaded: number, done?: boolean) => void) | undefined {
  if (typeof option === 'function') return (loaded) => option({ file: path, loaded, total });
  const wanted = option ?? (total >= PROGRESS_MIN_BYTES && process.stderr.isTTY === true);
  if (!wanted) return undefined;
  let lastPercent = -1;
  return (loaded, done = false) => {
    const percent = total === 0 ? 100 : Math.floor((100 * loaded) / total);
    if (percent === lastPercent && !done) return;
    lastPercent = percent;
    const line = `reading ${basename(path)}: ${percent}% of ${(total / 1048576).toFixed(1)} MiB`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done ? '\n' : ''}`);
    else if (done) process.stderr.write(`${line}\n`);
  };
}
