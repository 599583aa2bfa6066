import {
  AnlError,
  type FitBatch,
  type FitHooks,
  invalidArgument,
  type Rng,
  runFit,
  shuffledOrder,
} from '@anl/core';
import {
  all,
  dispose,
  isFinite as elementIsFinite,
  keep,
  scalar,
  slice,
  stack,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { Callback, type LayersModel } from '@tensorflow/tfjs-layers';
import type { WorkerPoolModel } from '../workers/worker-pool-model';
import { attachOptimizer } from './attach-optimizer';
import { correctCount } from './correct-count';
import { evaluateValidation } from './evaluate-validation';
import { progressCallback } from './progress-bar';
import { saturationCallback } from './progress-callbacks';
import { resetStopTraining } from './stop-flag';
import { hostLabels, type TargetFormat, targetFormat, toOneHotTargets } from './targets';
import { tensorBatches } from './tensor-batches';
import { TfjsTrainableModel } from './tfjs-trainable-model';
import type { BatchDataset, TrainHistory, TrainingData, TrainWithNoiseOptions, XY } from './train-options';
import {
  type CheckedTraining,
  checkInputs,
  checkTargets,
  checkTraining,
  isDataset,
} from './validate-training';

/** A batch ready for a step; `dispose` frees the tensors the trainer made or took over for it. */
type StepBatch = FitBatch<Tensor>;

/** Tensor data after the up-front checks. */
interface CheckedTensors {
  readonly xs: Tensor;
  readonly ys: Tensor;
  readonly format: TargetFormat;
  readonly labels?: Int32Array;
}

/** Tensor data ready to be cut into batches. */
interface PreparedTensors {
  readonly xs: Tensor;
  readonly ysOneHot: Tensor;
  readonly labels?: Int32Array;
}

/**
 * Trains a tf.LayersModel that contains noise layers with a registered noise method (SPEC.md's
 * built-ins, `listNoiseMethods()`, or one added with `registerNoiseMethod`) and returns a
 * tfjs-style History. A thin adapter over core's `fit`: it turns tensors, `[xs, ys]` or a
 * `tf.data.Dataset` into batches and brings the tfjs optimizer (the compiled one by default),
 * loss, accuracy and validation; the epochs, schedule, callbacks and shuffling are core's.
 *
 * Everything is checked before the first weight changes: the options (unknown keys refused by
 * name), the model (one input; noise layers for a noise method), the tensor data (finite values)
 * and its labels. A `tf.data.Dataset` is checked batch by batch, each before its own step. The loss
 * and accuracy stay on the device during an epoch and are read back once at its end, or after
 * every batch when a callback defines `onBatchEnd`.
 */
export async function trainWithNoise(
  model: LayersModel,
  data: TrainingData,
  options: TrainWithNoiseOptions,
): Promise<TrainHistory> {
  const checked = checkTraining(model, options);
  const trainable = new TfjsTrainableModel(model, {
    optimizer: checked.optimizer,
    loss: options.loss,
    checkFinite: options.onNonFinite !== 'ignore',
  });
  const definition = checked.fit.definition;
  const needLabels = (format: TargetFormat) => format === 'labels' || definition.needsLabels;
  const source = isDataset(data) ? null : asXY(data);
  if (source === null && checked.validationSplit !== undefined) {
    invalidArgument(
      'options.validationSplit',
      'unset for a dataset (give options.validationData)',
      checked.validationSplit,
    );
  }
  const split = source === null ? null : splitRows(source, checked.validationSplit);
  const owned: Tensor[] = split?.owned ?? [];
  try {
    const checkedData =
      split === null ? null : await checkTensorData(model, split.train, checked, needLabels);
    const validationXY = split?.validation ?? checked.validation;
    const checkedValidation =
      validationXY === undefined
        ? null
        : await checkValidation(model, checked, validationXY, split?.validation !== undefined);

    // Nothing was refused: from here on the trainer allocates, and frees in `finally`.
    const prepare = (c: CheckedTensors): PreparedTensors => {
      const ysOneHot = toOneHotTargets(c.ys, c.format, checked.numClasses);
      if (ysOneHot !== c.ys) owned.push(ysOneHot);
      return { xs: c.xs, ysOneHot, labels: c.labels };
    };
    const tensors = checkedData === null ? null : prepare(checkedData);
    const validation = checkedValidation === null ? null : prepare(checkedValidation);
    const classification = checked.numClasses > 1;

    let correct: Tensor | null = null;
    trainable.predictionObserver = classification
      ? (y, yPred) => {
          dispose(correct ?? []);
          correct = keep(correctCount(y, yPred));
        }
      : null;
    // workers > 1: the same loop over a pool of replicas on worker threads (started last, below).
    let pool: WorkerPoolModel | null = null;
    const hooks: FitHooks<Tensor> = {
      setLearningRate: options.learningRate === undefined ? undefined : (rate) => setRate(checked, rate),
      metricNames: classification ? ['acc'] : [],
      takeStepMetrics: () => {
        if (pool !== null) {
          const count = (pool as WorkerPoolModel).takeCorrectCount();
          return count === null ? null : { acc: scalar(count) };
        }
        const c: Tensor | null = correct;
        correct = null;
        return c === null ? null : { acc: c };
      },
      validate:
        validation === null
          ? undefined
          : async () => {
              const v = await evaluateValidation(
                model,
                trainable.lossFunction,
                validation.xs,
                validation.ysOneHot,
                Math.max(checked.batchSize, 128),
              );
              const logs: Record<string, number> = { loss: v.loss };
              if (classification) logs.acc = v.acc;
              return logs;
            },
      transformBatch:
        options.batchTransform === undefined
          ? undefined
          : (batch) => transformBatch(options.batchTransform!, batch, model, checked, needLabels),
      callbackModel: model,
      stopRequested: () => model.stopTraining,
      isNoOpHook: (hook, fn) => fn === (Callback.prototype as unknown as Record<string, unknown>)[hook],
      params: { batchSize: tensors === null ? undefined : checked.batchSize, samples: tensors?.xs.shape[0] },
    };
    const internal = [saturationCallback(model, checked.fit.settings)];
    if (checked.verbose === 1) internal.push(progressCallback(checked.fit.epochs));
    const userCallbacks = checked.fit.callbacks;
    const fitChecked = { ...checked.fit, callbacks: [...userCallbacks, ...internal] };
    resetStopTraining(model);
    attachOptimizer(model, checked.optimizer, options.loss);
    try {
      // Node only, loaded here so browsers never see node:worker_threads.
      pool = await startPool(trainable, options, checked);
      if (pool !== null) pool.countCorrect = classification;
      return await runFit(
        pool ?? trainable,
        tensors !== null
          ? ({ shuffleRng }) => tensorEpoch(tensors, checked, shuffleRng)
          : () => datasetEpoch(data as BatchDataset, model, checked, needLabels),
        { ...options, numClasses: checked.numClasses } as never,
        fitChecked,
        hooks,
      );
    } finally {
      trainable.predictionObserver = null;
      dispose(correct ?? []);
      await pool?.terminate();
    }
  } finally {
    dispose(owned);
  }
}

/** A worker pool for `options.workers` > 1 ('auto' on a machine with more than one core), else null. */
async function startPool(
  trainable: TfjsTrainableModel,
  options: TrainWithNoiseOptions,
  checked: CheckedTraining,
): Promise<WorkerPoolModel | null> {
  if (options.workers === undefined || options.workers === 1) return null;
  const workersModule = await import('@anl/tfjs/workers').catch((error: unknown) => {
    throw new AnlError(
      'UNSUPPORTED',
      `options.workers needs Node's worker_threads (@anl/tfjs/workers could not load: ${(error as Error).message})`,
      { argument: 'options.workers', cause: error },
    );
  });
  const { resolveWorkerCount, startWorkerPool } = workersModule;
  const workers = resolveWorkerCount(options.workers);
  if (workers === 1) return null;
  return startWorkerPool(trainable, {
    workers,
    backend: options.workerBackend,
    workerModules: options.workerModules,
    batchSize: checked.batchSize,
    loss: options.loss,
  });
}

function setRate(checked: CheckedTraining, rate: number): void {
  const settable = checked.optimizer as unknown as {
    setLearningRate?: (rate: number) => void;
    learningRate?: number;
  };
  if (typeof settable.setLearningRate === 'function') settable.setLearningRate(rate);
  else settable.learningRate = rate;
}

/** `{ xs, ys }` or `[xs, ys]` (as `model.fit(xs, ys)` takes them). */
function asXY(data: TrainingData): XY {
  if (Array.isArray(data)) {
    if (data.length !== 2) invalidArgument('data', '[xs, ys] (two tensors)', data);
    return { xs: data[0], ys: data[1] };
  }
  if (typeof data !== 'object' || data === null) {
    invalidArgument('data', '{ xs, ys } tensors, [xs, ys] or a tf.data.Dataset of { xs, ys }', data);
  }
  return data as XY;
}

/** `model.fit`'s validationSplit: the last `split` of the rows, taken before any shuffling. */
function splitRows(data: XY, split: number | undefined): { train: XY; validation?: XY; owned: Tensor[] } {
  if (split === undefined) return { train: data, owned: [] };
  const xs = checkTargets(data.xs, 'data.xs');
  const ys = checkTargets(data.ys, 'data.ys');
  const rows = xs.shape[0];
  const at = Math.floor(rows * (1 - split));
  if (at < 1 || at >= rows) {
    invalidArgument(
      'options.validationSplit',
      `a fraction leaving rows on both sides of ${rows} rows`,
      split,
    );
  }
  const train = { xs: slice(xs, 0, at), ys: slice(ys, 0, at) };
  const validation = { xs: slice(xs, at, rows - at), ys: slice(ys, at, rows - at) };
  return { train, validation, owned: [train.xs, train.ys, validation.xs, validation.ys] };
}

/** NaN or Infinity in `tensors[i]` -> AnlError NON_FINITE naming `names[i]` (one read-back for all). */
async function assertAllFinite(tensors: readonly Tensor[], names: readonly string[]): Promise<void> {
  const flags = tidy(() => stack(tensors.map((t) => all(elementIsFinite(t)))));
  const values = await flags.data();
  flags.dispose();
  const bad = values.findIndex((v) => v !== 1);
  if (bad >= 0) {
    throw new AnlError(
      'NON_FINITE',
      `${names[bad]} holds NaN or Infinity; training on it would turn every weight to NaN`,
      { argument: names[bad] },
    );
  }
}

async function checkTensorData(
  model: LayersModel,
  data: XY,
  checked: CheckedTraining,
  needLabels: (format: TargetFormat) => boolean,
): Promise<CheckedTensors> {
  const xs = checkInputs(model, data.xs, 'data.xs');
  const ys = checkTargets(data.ys, 'data.ys');
  const format = targetFormat(ys, xs.shape[0], checked.numClasses, 'data.ys');
  await assertAllFinite([xs, ys], ['data.xs', 'data.ys']);
  const labels = needLabels(format) ? await hostLabels(ys, format, checked.numClasses, 'data.ys') : undefined;
  return { xs, ys, format, labels };
}

async function checkValidation(
  model: LayersModel,
  checked: CheckedTraining,
  data: XY,
  fromSplit: boolean,
): Promise<CheckedTensors> {
  const { xs, ys } = data;
  const name = fromSplit ? 'data' : 'options.validationData';
  checkInputs(model, xs, `${name}.xs`);
  const format = targetFormat(ys, xs.shape[0], checked.numClasses, `${name}.ys`);
  if (format === 'labels') await hostLabels(ys, format, checked.numClasses, `${name}.ys`);
  return { xs, ys, format };
}

function* tensorEpoch(data: PreparedTensors, checked: CheckedTraining, rng: Rng): Generator<StepBatch> {
  const order = shuffledOrder(data.xs.shape[0], rng, checked.shuffle);
  for (const batch of tensorBatches(data.xs, data.ysOneHot, data.labels, order, checked.batchSize)) {
    yield { ...batch, dispose: () => dispose([batch.x, batch.y]) };
  }
}

async function* datasetEpoch(
  dataset: BatchDataset,
  model: LayersModel,
  checked: CheckedTraining,
  needLabels: (format: TargetFormat) => boolean,
): AsyncGenerator<StepBatch> {
  const iterator = await dataset.iterator();
  for (let index = 0; ; index++) {
    const next = await iterator.next();
    if (next.done) return;
    const element = next.value;
    const mine = [element?.xs, element?.ys].filter(
      (t): t is Tensor => t != null && typeof t.dispose === 'function',
    );
    let batch: StepBatch;
    try {
      batch = await checkedBatch(element, model, checked, needLabels, `dataset batch ${index}`);
    } catch (error) {
      dispose(mine);
      throw error;
    }
    const inner = batch;
    yield {
      ...inner,
      dispose: () => {
        inner.dispose?.();
        dispose(mine);
      },
    };
  }
}

async function transformBatch(
  transform: NonNullable<TrainWithNoiseOptions['batchTransform']>,
  source: StepBatch,
  model: LayersModel,
  checked: CheckedTraining,
  needLabels: (format: TargetFormat) => boolean,
): Promise<StepBatch> {
  const out = await transform({ xs: source.x, ys: source.y });
  const fresh = [out?.xs, out?.ys].filter(
    (t): t is Tensor => t != null && t !== source.x && t !== source.y && typeof t.dispose === 'function',
  );
  try {
    if (out?.ys === source.y && out.xs?.shape?.[0] === source.batchSize) {
      checkInputs(model, out.xs, 'batchTransform(batch).xs');
      return {
        x: out.xs,
        y: source.y,
        labels: source.labels,
        batchSize: source.batchSize,
        dispose: () => dispose(fresh),
      };
    }
    const batch = await checkedBatch(out, model, checked, needLabels, 'batchTransform(batch)');
    return {
      ...batch,
      dispose: () => {
        batch.dispose?.();
        dispose(fresh.filter((t) => !t.isDisposed));
      },
    };
  } catch (error) {
    dispose(fresh);
    throw error;
  }
}

/** Checks a `{ xs, ys }` batch (finite values too) and makes one-hot targets (and host labels when needed). */
async function checkedBatch(
  element: XY | undefined,
  model: LayersModel,
  checked: CheckedTraining,
  needLabels: (format: TargetFormat) => boolean,
  argument: string,
): Promise<StepBatch> {
  if (typeof element !== 'object' || element === null)
    invalidArgument(argument, '{ xs, ys } tensors', element);
  const x = checkInputs(model, element.xs, `${argument}.xs`);
  const ys = checkTargets(element.ys, `${argument}.ys`);
  const format = targetFormat(ys, x.shape[0], checked.numClasses, `${argument}.ys`);
  await assertAllFinite([x, ys], [`${argument}.xs`, `${argument}.ys`]);
  const labels = needLabels(format)
    ? await hostLabels(ys, format, checked.numClasses, `${argument}.ys`)
    : undefined;
  const y = toOneHotTargets(ys, format, checked.numClasses);
  return { x, y, labels, batchSize: x.shape[0], dispose: () => dispose(y === ys ? [] : [y]) };
}
