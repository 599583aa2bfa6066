// Node-only entry (`@anl/tfjs/workers`): synchronous data-parallel training on worker threads.
export { liveWorkerThreads } from './live-workers';
export { startWorkerPool, type WorkerPoolOptions } from './start-worker-pool';
export { resolveWorkerCount } from './worker-count';
export { WorkerPoolModel } from './worker-pool-model';
export type { WorkerBackend } from './worker-start';
