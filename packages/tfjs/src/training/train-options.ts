import type {
  CallbackResult as CoreCallbackResult,
  FitCallbacks,
  FitHistory,
  FitLogs,
  FitOptions,
} from '@anl/core';
import type { Optimizer, Tensor } from '@tensorflow/tfjs-core';
import type { LossSpec } from './losses';

/** One batch (or a whole data set) as tensors: inputs and targets (one-hot rows or integer labels). */
export interface XY {
  readonly xs: Tensor;
  readonly ys: Tensor;
}

/**
 * What `trainWithNoise` reads a batch stream from: a `tf.data.Dataset` of `{ xs, ys }` batches (or
 * anything with the same `iterator()`). The trainer frees each batch's tensors after its step, as
 * `model.fitDataset` does.
 */
export interface BatchDataset {
  iterator(): Promise<{ next(): Promise<IteratorResult<XY>> }>;
}

/** Training data: tensors (batched and shuffled by the trainer), `[xs, ys]`, or a dataset of ready batches. */
export type TrainingData = XY | readonly [Tensor, Tensor] | BatchDataset;

/** Numbers logged per batch or epoch, tfjs style: `loss`, `acc`, `val_loss`, `val_acc`. */
export type TrainLogs = FitLogs;

/** A callback may return `'stop'` (or set `model.stopTraining = true`) to end training after it. */
export type CallbackResult = CoreCallbackResult;

/**
 * tfjs-style callbacks (core's `FitCallbacks`). Objects made by `tf.callbacks.earlyStopping(...)`
 * (or any `tf.Callback`) work too: they get `setModel`/`setParams` and stop training through
 * `model.stopTraining`.
 */
export type TrainCallbacks = FitCallbacks;

/** Turns a batch into another before the step (adversarial training puts its examples here). */
export type BatchTransform = (batch: XY) => XY | Promise<XY>;

/**
 * `trainWithNoise`'s options: core's `FitOptions` (the method, its `methodOptions`, the schedule,
 * `epochs`, `seed`, `learningRate`, `callbacks`, `onNonFinite`) plus what is tfjs's own.
 */
export interface TrainWithNoiseOptions extends Omit<FitOptions, 'callbacks'> {
  /** Rows per step for tensor data (default 32; the last batch may be smaller). Datasets bring their own. */
  readonly batchSize?: number;
  /** Any tfjs optimizer. Default: the one the model was compiled with. */
  readonly optimizer?: Optimizer;
  /** Default: the model's compiled loss if known, else categorical cross-entropy on softmax outputs. */
  readonly loss?: LossSpec;
  /** Shuffle tensor data every epoch (default true). */
  readonly shuffle?: boolean;
  /** Evaluated after every epoch without noise: `val_loss`, `val_acc`. `[xs, ys]` is accepted too. */
  readonly validationData?: XY | readonly [Tensor, Tensor];
  /** Tensor data only: hold out the last fraction of the rows (before shuffling) for validation, as `model.fit` does. */
  readonly validationSplit?: number;
  readonly callbacks?: TrainCallbacks | readonly TrainCallbacks[];
  readonly batchTransform?: BatchTransform;
  /** 0 (default): silent; 1: progress, as model.fit: a bar per epoch on a terminal (Node's stderr), else one line per epoch on the console. */
  readonly verbose?: 0 | 1;
  /**
   * Node only: train on this many worker threads, data-parallel ('auto': one per core). Each step's
   * batch is split across replicas, gradients are summed in shared memory and one update is applied;
   * every method keeps its whole-batch meaning (see the README's "Training on every core").
   * Default 1: today's single-thread path.
   */
  readonly workers?: 'auto' | number;
  /** The backend of the worker replicas: 'wasm' with the training kernels (default) or 'cpu'. */
  readonly workerBackend?: 'wasm' | 'cpu';
  /** Modules each worker imports first, to register custom layer classes (e.g. '@anl/models'). */
  readonly workerModules?: readonly string[];
}

/** What `trainWithNoise` returns: the shape of tfjs's `History` (core's `FitHistory`). */
export type TrainHistory = FitHistory;
