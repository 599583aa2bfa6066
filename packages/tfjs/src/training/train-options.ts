import type { MethodOptionsInput, NoiseMethod, StdMode } from '@anl/core';
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

/** Training data: tensors (batched and shuffled by the trainer) or a dataset of ready batches. */
export type TrainingData = XY | BatchDataset;

/** Numbers logged per batch or epoch, tfjs style: `loss`, `acc`, `val_loss`, `val_acc`. */
export type TrainLogs = Record<string, number>;

/** A callback may return `'stop'` (or set `model.stopTraining = true`) to end training after it. */
// biome-ignore lint/suspicious/noConfusingVoidType: hooks returning nothing (and tfjs's Promise<void> hooks) must fit.
export type CallbackResult = void | 'stop' | Promise<void | 'stop'>;

/**
 * tfjs-style callbacks. Objects made by `tf.callbacks.earlyStopping(...)` (or any `tf.Callback`)
 * work too: they get `setModel`/`setParams` and stop training through `model.stopTraining`.
 */
export interface TrainCallbacks {
  onTrainBegin?(logs?: TrainLogs): CallbackResult;
  onTrainEnd?(logs?: TrainLogs): CallbackResult;
  onEpochBegin?(epoch: number, logs?: TrainLogs): CallbackResult;
  onEpochEnd?(epoch: number, logs?: TrainLogs): CallbackResult;
  onBatchBegin?(batch: number, logs?: TrainLogs): CallbackResult;
  /** Defining this makes the trainer read loss and accuracy back every batch (a device sync). */
  onBatchEnd?(batch: number, logs?: TrainLogs): CallbackResult;
  setModel?(model: unknown): void;
  setParams?(params: Record<string, unknown>): void;
}

/** Turns a batch into another before the step (adversarial training puts its examples here). */
export type BatchTransform = (batch: XY) => XY | Promise<XY>;

export interface TrainWithNoiseOptions {
  /** A registered noise method (`listNoiseMethods()` of @anl/core). */
  readonly method: NoiseMethod;
  /** Noise magnitude, or one per epoch (0-based). Negative is legal. Required unless the method injects no noise (the baseline). */
  readonly eps?: number | ((epoch: number) => number);
  /** s(h): 'batch' (the paper, default) or 'running' (the authors' code). */
  readonly std?: StdMode;
  /** Noise on for epochs < noiseEpochs, off after (the paper's Table 3 halves). Default: every epoch. */
  readonly noiseEpochs?: number;
  readonly epochs: number;
  /** Rows per step for tensor data (default 32; the last batch may be smaller). Datasets bring their own. */
  readonly batchSize?: number;
  /** Any tfjs optimizer. */
  readonly optimizer: Optimizer;
  /** Default: the model's compiled loss if known, else categorical cross-entropy on softmax outputs. */
  readonly loss?: LossSpec;
  /** Default: the model's output width. */
  readonly numClasses?: number;
  /** Seeds the shuffling and every noise draw (default: a random seed, reported in `history.params`). */
  readonly seed?: number;
  /** Shuffle tensor data every epoch (default true). */
  readonly shuffle?: boolean;
  /** Evaluated after every epoch without noise: `val_loss`, `val_acc`. `[xs, ys]` is accepted too. */
  readonly validationData?: XY | readonly [Tensor, Tensor];
  readonly callbacks?: TrainCallbacks | readonly TrainCallbacks[];
  readonly batchTransform?: BatchTransform;
  /** Learning rate per epoch, set on the optimizer at the start of each epoch. */
  readonly learningRate?: (epoch: number) => number;
  /** ANP: noise-buffer momentum (default 0.7) and passes per batch (default 3). */
  readonly anpAlpha?: number;
  readonly anpPasses?: number;
  /** Each method's own options under its name, e.g. `{ anp: { passes: 2 } }`. */
  readonly methodOptions?: MethodOptionsInput;
  /** Gaussian: scale the noise by s(h) (default false). */
  readonly gaussianScaleByStd?: boolean;
  /** Momentum of the running std (default 0.9). */
  readonly runningMomentum?: number;
}

/** What `trainWithNoise` returns: the shape of tfjs's `History`. */
export interface TrainHistory {
  readonly epoch: number[];
  readonly history: {
    loss: number[];
    /** Present for classifiers (more than one output class). */
    acc?: number[];
    val_loss?: number[];
    val_acc?: number[];
    /** The eps each epoch ran with (0 where noise was off). */
    eps: number[];
  };
  readonly params: {
    readonly method: NoiseMethod;
    readonly epochs: number;
    readonly batchSize?: number;
    readonly samples?: number;
    readonly seed: number;
    /** Bytes the method kept between steps at the end (CANL's class cache, LAT's gradients, ...). */
    noiseStateBytes: number;
  };
}
