import { availableParallelism } from 'node:os';
import { invalidArgument } from '@anl/core';

/** How many training workers to start: 'auto' is one per core Node reports; n must be an integer ≥ 1. */
export function resolveWorkerCount(workers: unknown, argument = 'options.workers'): number {
  if (workers === 'auto') return Math.max(1, availableParallelism());
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > 256) {
    invalidArgument(argument, "'auto' or an integer in [1, 256]", workers);
  }
  return workers;
}
