import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { AnlError } from '@anl/core';
import type { LossSpec } from '../training/losses';
import type { TfjsTrainableModel } from '../training/tfjs-trainable-model';
import { trackWorker } from './live-workers';
import {
  controlInts,
  dataLayout,
  ERROR_AREA_BYTES,
  type LayoutSizes,
  MOMENTS,
  type SharedAreas,
} from './protocol';
import { replicaSpec } from './replica-spec';
import { resolveWorkerCount } from './worker-count';
import { WorkerPoolModel } from './worker-pool-model';
import type { WorkerBackend, WorkerHello, WorkerStart } from './worker-start';

export interface WorkerPoolOptions {
  /** Worker threads: 'auto' (one per core) or n ≥ 1. */
  readonly workers: 'auto' | number;
  /** The backend every replica trains on: 'wasm' with the training kernels (default) or 'cpu'. */
  readonly backend?: WorkerBackend;
  /**
   * Modules each worker imports before rebuilding the model, so custom layer classes it uses are
   * registered there too (e.g. '@anl/models' for its PNI/WM layers, or a file URL of your own).
   * Bare names resolve from @anl/tfjs's folder; pass absolute file URLs for your own files.
   */
  readonly workerModules?: readonly string[];
  /** Rows of the largest batch expected (the shared areas grow if a larger one comes). */
  readonly batchSize?: number;
  /** The loss by name (a function cannot reach a thread). Default: the model's compiled one. */
  readonly loss?: LossSpec;
}

/** dist/workers-worker.js next to the built module; from the sources (tests), the built one. */
function workerScript(): URL {
  // The CJS build has no import.meta (esbuild leaves it empty there) but has __dirname.
  const here = typeof __dirname === 'string' ? pathToFileURL(`${__dirname}/`) : new URL('.', import.meta.url);
  const candidates = [new URL('./workers-worker.js', here), new URL('../../dist/workers-worker.js', here)];
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (found === undefined) {
    throw new AnlError(
      'NOT_FOUND',
      'the worker script dist/workers-worker.js is missing; build @anl/tfjs (npm run build -w @anl/tfjs)',
      { argument: 'options.workers' },
    );
  }
  return found;
}

/**
 * Starts `workers` threads, each with a replica of `main`'s model (rebuilt from its JSON; the
 * weights arrive with the first pass), and returns the pool as a `TrainableModelV1` for core's
 * `fit` or `createTrainingAlgorithm`. Call `terminate()` when done. A model that cannot be
 * serialised, or a worker that cannot start, gives an AnlError and leaves no thread running.
 */
export async function startWorkerPool(
  main: TfjsTrainableModel,
  options: WorkerPoolOptions,
): Promise<WorkerPoolModel> {
  const workers = resolveWorkerCount(options.workers);
  const backend = options.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `options.workerBackend must be 'wasm' or 'cpu', got ${String(backend)}`,
      {
        argument: 'options.workerBackend',
      },
    );
  }
  const modules = [...(options.workerModules ?? [])];
  if (modules.some((m) => typeof m !== 'string')) {
    throw new AnlError('INVALID_ARGUMENT', 'options.workerModules must be an array of module names or URLs', {
      argument: 'options.workerModules',
    });
  }
  const spec = replicaSpec(main.model, options.loss);
  const model = main.model;
  const sizeOf = (shape: readonly (number | null)[]) => shape.reduce<number>((a, b) => a * (b ?? 1), 1);
  const sizes: LayoutSizes = {
    workers,
    maxBatch: Math.max(1, options.batchSize ?? 32),
    inputSize: sizeOf(model.inputs[0].shape.slice(1)),
    targetSize: sizeOf(model.outputs[0].shape.slice(1)),
    trainableSizes: model.trainableWeights.map((w) => sizeOf(w.shape)),
    stateSizes: model.nonTrainableWeights.map((w) => sizeOf(w.shape)),
    pointSizes: main.noisePoints.map((p) => sizeOf(p.sampleShape)),
  };
  const areas: SharedAreas = { sizes, data: new SharedArrayBuffer(dataLayout(sizes).floats * 4) };
  const control = new SharedArrayBuffer(controlInts(workers, main.noisePoints.length) * 4);
  const losses = new SharedArrayBuffer(workers * 8);
  const moments = new SharedArrayBuffer(workers * main.noisePoints.length * MOMENTS * 8);
  const errors = new SharedArrayBuffer(workers * ERROR_AREA_BYTES);
  const script = workerScript();
  const threads: Worker[] = [];
  const ports = [];
  try {
    for (let index = 0; index < workers; index++) {
      const channel = new MessageChannel();
      const start: WorkerStart = {
        index,
        spec,
        backend,
        modules,
        control,
        losses,
        moments,
        errors,
        areas,
        port: channel.port2,
      };
      const thread = new Worker(script, {
        workerData: start,
        transferList: [channel.port2],
        execArgv: withoutConditions(process.execArgv),
      });
      trackWorker(thread);
      threads.push(thread);
      ports.push(channel.port1);
    }
    await Promise.all(threads.map((thread, index) => ready(thread, index)));
  } catch (error) {
    for (const port of ports) port.close();
    await Promise.all(threads.map((t) => t.terminate()));
    throw error;
  }
  return new WorkerPoolModel(main, { workers: threads, ports, control, losses, moments, errors, areas });
}

/**
 * The parent's Node flags minus `--conditions`: a worker must load the built @anl/tfjs (its own
 * file is built), also when the parent resolves a development condition such as `anl-source`.
 */
function withoutConditions(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=') && !arg.startsWith('-C=')) out.push(arg);
  }
  return out;
}

/** Resolves when worker `index` says it is ready; its start-up error, as an AnlError, otherwise. */
function ready(thread: Worker, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: AnlError) => {
      thread.off('message', onMessage);
      reject(error);
    };
    const onMessage = (hello: WorkerHello) => {
      if (hello.ready) {
        thread.off('error', onError);
        thread.off('exit', onExit);
        thread.off('message', onMessage);
        resolve();
        return;
      }
      const unknown = /Unknown layer: ([^.\s]+)/.exec(hello.error.message);
      fail(
        unknown !== null
          ? new AnlError(
              'UNSUPPORTED',
              `training worker ${index} cannot rebuild layer class ${unknown[1]}: list the module that registers it in options.workerModules`,
              { argument: 'options.workerModules' },
            )
          : new AnlError(
              'WORKER_FAILED',
              `training worker ${index} could not start: ${hello.error.message}`,
              {
                argument: 'options.workers',
              },
            ),
      );
    };
    const onError = (error: Error) =>
      fail(
        new AnlError('WORKER_FAILED', `training worker ${index} could not start: ${error.message}`, {
          argument: 'options.workers',
          cause: error,
        }),
      );
    const onExit = (code: number) =>
      fail(
        new AnlError('WORKER_FAILED', `training worker ${index} exited (code ${code}) while starting`, {
          argument: 'options.workers',
        }),
      );
    thread.on('message', onMessage);
    thread.once('error', onError);
    thread.once('exit', onExit);
  });
}
