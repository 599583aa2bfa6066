import type { Worker } from 'node:worker_threads';

let live = 0;

/** Counts `thread` as live until it exits. */
export function trackWorker(thread: Worker): void {
  live++;
  thread.once('exit', () => {
    live--;
  });
}

/** Pool worker threads started in this process that have not exited yet (0 after every `terminate`). */
export function liveWorkerThreads(): number {
  return live;
}
