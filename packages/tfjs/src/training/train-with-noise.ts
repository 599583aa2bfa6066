import { createRng, createTrainingAlgorithm, invalidArgument, type Rng } from '@anl/core';
import { dispose, keep, type Scalar, type Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CallbackList } from './callback-list';
import { correctCount } from './correct-count';
import { EpochMetrics } from './epoch-metrics';
import { evaluateValidation } from './evaluate-validation';
import { setLearningRate } from './learning-rate';
import { resetStopTraining } from './stop-flag';
import { hostLabels, type TargetFormat, targetFormat, toOneHotTargets } from './targets';
import { epochOrder, tensorBatches } from './tensor-batches';
import { TfjsTrainableModel } from './tfjs-trainable-model';
import type {
  BatchDataset,
  TrainHistory,
  TrainingData,
  TrainLogs,
  TrainWithNoiseOptions,
  XY,
} from './train-options';
import {
  type CheckedTraining,
  checkInputs,
  checkTargets,
  checkTraining,
  isDataset,
} from './validate-training';

/** A batch ready for a step, with the tensors the trainer must free after it. */
interface StepBatch {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly labels?: Int32Array;
  readonly batchSize: number;
  readonly owned: Tensor[];
}

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
 * tfjs-style History.
 *
 * Everything is checked before the first weight changes: the options, the model (noise layers for
 * a noise method), the tensor data and its labels. A `tf.data.Dataset` is checked batch by batch,
 * each before its own step. The loss and accuracy stay on the device during an epoch and are read
 * back once at its end, or after every batch when a callback defines `onBatchEnd`.
 */
export async function trainWithNoise(
  model: LayersModel,
  data: TrainingData,
  options: TrainWithNoiseOptions,
): Promise<TrainHistory> {
  const checked = checkTraining(model, options);
  const trainable = new TfjsTrainableModel(model, { optimizer: options.optimizer, loss: options.loss });
  const needLabels = (format: TargetFormat) => format === 'labels' || checked.definition.needsLabels;
  const checkedData = isDataset(data) ? null : await checkTensorData(model, data, checked, needLabels);
  const checkedValidation = checked.validation === undefined ? null : await checkValidation(model, checked);

  // Checks the algorithm's own options (std, anpPasses, ...); holds no tensors until its first step.
  const algorithm = createTrainingAlgorithm(trainable.ops, {
    method: checked.method,
    std: options.std,
    numClasses: checked.numClasses,
    anpAlpha: options.anpAlpha,
    anpPasses: options.anpPasses,
    gaussianScaleByStd: options.gaussianScaleByStd,
    methodOptions: options.methodOptions,
    runningMomentum: options.runningMomentum,
  });

  // Nothing was refused: from here on the trainer allocates, and frees in `finally`.
  const owned: Tensor[] = [];
  const prepare = (c: CheckedTensors): PreparedTensors => {
    const ysOneHot = toOneHotTargets(c.ys, c.format, checked.numClasses);
    if (ysOneHot !== c.ys) owned.push(ysOneHot);
    return { xs: c.xs, ysOneHot, labels: c.labels };
  };
  const tensors = checkedData === null ? null : prepare(checkedData);
  const validation = checkedValidation === null ? null : prepare(checkedValidation);

  const root = createRng(checked.seed);
  const shuffleRng = root.split();
  const stepRng = root.split();
  const params = {
    method: checked.method,
    epochs: checked.epochs,
    batchSize: tensors === null ? undefined : checked.batchSize,
    samples: tensors?.xs.shape[0],
    seed: checked.seed,
    noiseStateBytes: 0,
  };
  const history: TrainHistory = { epoch: [], history: { loss: [], eps: [] }, params };
  const classification = checked.numClasses > 1;
  if (classification) history.history.acc = [];
  if (validation !== null) {
    history.history.val_loss = [];
    if (classification) history.history.val_acc = [];
  }
  const callbacks = new CallbackList(checked.callbacks, model, { ...params, verbose: 0 });
  const logBatches = callbacks.has('onBatchEnd');
  let correct: Tensor | null = null;
  trainable.predictionObserver = classification
    ? (y, yPred) => {
        dispose(correct ?? []);
        correct = keep(correctCount(y, yPred));
      }
    : null;
  resetStopTraining(model);
  let lastLogs: TrainLogs = {};
  try {
    await callbacks.trainBegin({});
    for (let epoch = 0; epoch < checked.epochs && !callbacks.shouldStop; epoch++) {
      if (checked.learningRates !== undefined)
        setLearningRate(options.optimizer, checked.learningRates[epoch]);
      const settings = checked.settings[epoch];
      await callbacks.epochBegin(epoch, {});
      const metrics = new EpochMetrics();
      try {
        let index = 0;
        const batches =
          tensors !== null
            ? tensorEpoch(tensors, checked, shuffleRng)
            : datasetEpoch(data as BatchDataset, model, checked, needLabels);
        for await (const source of batches) {
          let batch: StepBatch = source;
          try {
            await callbacks.batchBegin(index, { batch: index, size: source.batchSize });
            if (options.batchTransform !== undefined) {
              batch = await transformBatch(options.batchTransform, source, model, checked, needLabels);
            }
            const { loss } = algorithm.step(trainable, batch, settings, stepRng);
            const batchLogs = logBatches ? await readBatchLogs(loss as Scalar, correct, batch.batchSize) : {};
            metrics.add(loss as Scalar, batch.batchSize, correct);
            loss.dispose();
            dispose(correct ?? []);
            correct = null;
            await callbacks.batchEnd(index, { batch: index, size: batch.batchSize, ...batchLogs });
          } finally {
            dispose(batch === source ? source.owned : [...batch.owned, ...source.owned]);
          }
          index++;
          if (callbacks.shouldStop) break;
        }
        const train = await metrics.read();
        const logs: TrainLogs = { loss: train.loss };
        if (classification) logs.acc = train.acc;
        if (validation !== null) {
          const v = await evaluateValidation(
            model,
            trainable.lossFunction,
            validation.xs,
            validation.ysOneHot,
            Math.max(checked.batchSize, 128),
          );
          logs.val_loss = v.loss;
          if (classification) logs.val_acc = v.acc;
        }
        recordEpoch(history, epoch, logs, settings.noise ? settings.eps : 0);
        lastLogs = logs;
        await callbacks.epochEnd(epoch, logs);
      } finally {
        metrics.dispose();
      }
    }
    await callbacks.trainEnd(lastLogs);
    params.noiseStateBytes = algorithm.stateBytes();
    return history;
  } finally {
    trainable.predictionObserver = null;
    dispose(correct ?? []);
    algorithm.dispose();
    dispose(owned);
  }
}

function recordEpoch(history: TrainHistory, epoch: number, logs: TrainLogs, eps: number): void {
  const h = history.history;
  history.epoch.push(epoch);
  h.loss.push(logs.loss);
  h.eps.push(eps);
  if (logs.acc !== undefined) h.acc?.push(logs.acc);
  if (logs.val_loss !== undefined) h.val_loss?.push(logs.val_loss);
  if (logs.val_acc !== undefined) h.val_acc?.push(logs.val_acc);
}

async function readBatchLogs(loss: Scalar, correct: Tensor | null, batchSize: number): Promise<TrainLogs> {
  const logs: TrainLogs = { loss: (await loss.data())[0] };
  if (correct !== null) logs.acc = (await correct.data())[0] / batchSize;
  return logs;
}

async function checkTensorData(
  model: LayersModel,
  data: XY,
  checked: CheckedTraining,
  needLabels: (format: TargetFormat) => boolean,
): Promise<CheckedTensors> {
  if (typeof data !== 'object' || data === null) {
    invalidArgument('data', '{ xs, ys } tensors or a tf.data.Dataset of { xs, ys }', data);
  }
  const xs = checkInputs(model, data.xs, 'data.xs');
  const ys = checkTargets(data.ys, 'data.ys');
  const format = targetFormat(ys, xs.shape[0], checked.numClasses, 'data.ys');
  const labels = needLabels(format) ? await hostLabels(ys, format, checked.numClasses, 'data.ys') : undefined;
  return { xs, ys, format, labels };
}

async function checkValidation(model: LayersModel, checked: CheckedTraining): Promise<CheckedTensors> {
  const { xs, ys } = checked.validation as XY;
  checkInputs(model, xs, 'options.validationData.xs');
  const format = targetFormat(ys, xs.shape[0], checked.numClasses, 'options.validationData.ys');
  if (format === 'labels') await hostLabels(ys, format, checked.numClasses, 'options.validationData.ys');
  return { xs, ys, format };
}

async function* tensorEpoch(
  data: PreparedTensors,
  checked: CheckedTraining,
  rng: Rng,
): AsyncGenerator<StepBatch> {
  const order = epochOrder(data.xs.shape[0], checked.shuffle, rng);
  for (const batch of tensorBatches(data.xs, data.ysOneHot, data.labels, order, checked.batchSize)) {
    yield { ...batch, owned: [batch.x, batch.y] };
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
    yield { ...batch, owned: [...new Set([...mine, ...batch.owned])] };
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
      return { x: out.xs, y: source.y, labels: source.labels, batchSize: source.batchSize, owned: fresh };
    }
    const batch = await checkedBatch(out, model, checked, needLabels, 'batchTransform(batch)');
    return { ...batch, owned: [...new Set([...fresh, ...batch.owned])] };
  } catch (error) {
    dispose(fresh);
    throw error;
  }
}

/** Checks a `{ xs, ys }` batch and makes one-hot targets (and host labels when needed). */
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
  const labels = needLabels(format)
    ? await hostLabels(ys, format, checked.numClasses, `${argument}.ys`)
    : undefined;
  const y = toOneHotTargets(ys, format, checked.numClasses);
  return { x, y, labels, batchSize: x.shape[0], owned: y === ys ? [] : [y] };
}
