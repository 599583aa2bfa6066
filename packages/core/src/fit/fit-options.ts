import type { Rng } from '../rng/rng';
import type { AnpPhase } from '../schedule/noise-schedule';
import type { Batch, NoiseMethod } from '../training/algorithm';
import type { TrainingAlgorithmOptions } from '../training/options';

/** Numbers logged per batch or epoch, tfjs style: `loss`, `acc`, `val_loss`, `val_acc`, ... */
export type FitLogs = Record<string, number>;

/** A callback may return `'stop'` (or make `hooks.stopRequested()` true) to end training after it. */
// biome-ignore lint/suspicious/noConfusingVoidType: hooks returning nothing (and tfjs's Promise<void> hooks) must fit.
export type CallbackResult = void | 'stop' | Promise<void | 'stop'>;

/** Callbacks with tfjs's names and shapes. */
export interface FitCallbacks {
  onTrainBegin?(logs?: FitLogs): CallbackResult;
  onTrainEnd?(logs?: FitLogs): CallbackResult;
  onEpochBegin?(epoch: number, logs?: FitLogs): CallbackResult;
  onEpochEnd?(epoch: number, logs?: FitLogs): CallbackResult;
  onBatchBegin?(batch: number, logs?: FitLogs): CallbackResult;
  /** Defining this makes the loop read loss and metrics back every batch (a device sync). */
  onBatchEnd?(batch: number, logs?: FitLogs): CallbackResult;
  setModel?(model: unknown): void;
  setParams?(params: Record<string, unknown>): void;
}

/** One batch as the loop receives it; `dispose` (when given) runs after the batch's step. */
export interface FitBatch<T> extends Batch<T> {
  dispose?(): void;
}

/** What the loop iterates once per epoch. */
export type FitBatchIterable<T> = Iterable<FitBatch<T>> | AsyncIterable<FitBatch<T>>;

/** Where an epoch's batches come from, and the seeded generator to shuffle them with. */
export interface EpochContext {
  readonly epoch: number;
  /** The loop's shuffling stream (core's RNG, seeded from `options.seed`). */
  readonly shuffleRng: Rng;
}

/**
 * The data: an iterable (or async iterable) re-iterated every epoch (an array, a tf.data-like
 * object), or a function giving each epoch's batches, typically shuffled with `shuffledOrder`.
 */
export type FitData<T> = FitBatchIterable<T> | ((context: EpochContext) => FitBatchIterable<T>);

/** What a backend adapter plugs into the loop; none of it is needed for a plain run. */
export interface FitHooks<T> {
  /** Sets the optimizer's learning rate (required when `options.learningRate` is given). */
  setLearningRate?(rate: number): void;
  /** Logs after each epoch, without noise (`{ loss, acc }`); stored as `val_loss`, `val_acc`. */
  validate?(): Promise<FitLogs>;
  /** Names of the per-step metrics `takeStepMetrics` reports (e.g. `['acc']`). */
  readonly metricNames?: readonly string[];
  /**
   * Sums over the last step's batch of each metric (e.g. `acc`: the correct count), left on the
   * device; the loop owns and frees them. `null` or a missing name: not counted this batch.
   */
  takeStepMetrics?(): Readonly<Record<string, T>> | null;
  /** Turns a batch into another after `onBatchBegin` (adversarial training puts examples here). */
  transformBatch?(batch: FitBatch<T>): Promise<FitBatch<T>> | FitBatch<T>;
  /** Handed to callbacks' `setModel` (tfjs: the LayersModel). */
  readonly callbackModel?: unknown;
  /** True when something outside the callbacks' return values asked to stop (tfjs: `model.stopTraining`). */
  stopRequested?(): boolean;
  /** True for a hook that does nothing (tfjs's inherited `Callback` no-ops): no per-batch read-back. */
  isNoOpHook?(hook: keyof FitCallbacks, fn: unknown): boolean;
  /** Extra entries for `history.params` and callbacks' `setParams` (batchSize, samples, ...). */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Options of `fit`: the method's (see `TrainingAlgorithmOptions`), the schedule and the loop's. */
export interface FitOptions extends TrainingAlgorithmOptions {
  readonly epochs: number;
  /** Noise magnitude, or one per epoch (0-based). Negative is legal. Required for a noise method. */
  readonly eps?: number | ((epoch: number) => number);
  /** Noise on for epochs < noiseEpochs, off after (the paper's Table 3 halves). Default: every epoch. */
  readonly noiseEpochs?: number;
  /**
   * Phases `{ from, to, eps, alpha, passes }`: inside one, its eps (and ANP's alpha and passes);
   * outside all, no noise. `...ANP_VGG16_CIFAR10_SCHEDULE` spreads the ANP authors' schedule here.
   */
  readonly anpPhases?: readonly AnpPhase[];
  /** Seeds the shuffling and every noise draw (default: a random seed, reported in `history.params`). */
  readonly seed?: number;
  /** Learning rate per epoch, set through `hooks.setLearningRate` at the start of each epoch. */
  readonly learningRate?: (epoch: number) => number;
  readonly callbacks?: FitCallbacks | readonly FitCallbacks[];
  /**
   * A step refused for non-finite values (AnlError code NON_FINITE: NaN/Infinity in the gradients,
   * loss or data): `'error'` (default) rethrows it, `'skip'` skips the batch (weights as they were)
   * and counts it in `history.params.skippedBatches`; `'ignore'` asks the adapter not to check
   * (tfjs: saves the one read-back per step the check costs).
   */
  readonly onNonFinite?: 'error' | 'skip' | 'ignore';
}

/** What `fit` returns: the shape of tfjs's `History`. */
export interface FitHistory {
  readonly epoch: number[];
  readonly history: {
    loss: number[];
    /** The eps each epoch ran with (0 where noise was off). */
    eps: number[];
    [metric: string]: number[];
  };
  readonly params: {
    readonly method: NoiseMethod;
    readonly epochs: number;
    readonly seed: number;
    /** Bytes the method kept between steps at the end (CANL's class cache, LAT's gradients, ...). */
    noiseStateBytes: number;
    /** Batches skipped for non-finite values (`onNonFinite: 'skip'`). */
    skippedBatches: number;
    readonly [key: string]: unknown;
  };
}

/** The keys `FitOptions` adds to `TrainingAlgorithmOptions` (an adapter's own keys come on top). */
export const FIT_OPTION_KEYS: readonly string[] = [
  'epochs',
  'eps',
  'noiseEpochs',
  'anpPhases',
  'seed',
  'learningRate',
  'callbacks',
  'onNonFinite',
];
