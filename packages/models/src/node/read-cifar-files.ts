import { basename } from 'node:path';
import { invalidArgument } from '@anl/core';
import { type CifarParseOptions, cifarToImageSet, parseCifar } from '../datasets/cifar';
import type { ImageSet } from '../datasets/image-set';
import { type ProgressOption, readMaybeGzipped } from './read-bytes';

/**
 * Read CIFAR-10 / CIFAR-100 binary batch files (e.g. data_batch_1.bin ... data_batch_5.bin, or
 * train.bin for CIFAR-100; gzipped or not) into one ImageSet: xs [N, 32, 32, 3] in [0, 1], ys one-hot.
 */
export async function readCifarFiles(
  paths: readonly string[],
  options: Omit<CifarParseOptions, 'name'> & { progress?: ProgressOption },
): Promise<ImageSet> {
  if (paths.length === 0) invalidArgument('paths', 'at least one CIFAR batch file', paths);
  const batches = [];
  for (const path of paths) {
    const bytes = await readMaybeGzipped(path, options.progress);
    batches.push(parseCifar(bytes, { variant: options.variant, label: options.label, name: basename(path) }));
  }
  return cifarToImageSet(batches);
}
