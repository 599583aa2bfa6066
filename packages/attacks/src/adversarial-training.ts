import { AnlError, invalidArgument } from '@anl/core';
import { backendReadsSync } from '@anl/tfjs';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { optionalBoolean } from './attack-inputs';
import { type Bounds, validateBounds } from './bounds';
import type { Classifier } from './classifier';
import { resolveStrength, type Strength } from './epsilon';
import { fgsm, fgsmSteps } from './fgsm';
import { classifierFromLayersModel, type LayersModelClassifierOptions } from './layers-model-classifier';
import { checkPgdSettings, type PgdNorm, pgd, pgdSteps } from './pgd';

/** One training batch: inputs and targets (one-hot [B, C] or class indices [B]). */
export interface TrainingBatch {
  xs: Tensor;
  ys: Tensor;
}

/**
 * The `batchTransform` hook of `trainWithNoise` (@anl/tfjs): returns NEW tensors (the caller disposes
 * them) and leaves the given batch alone.
 */
export type BatchTransform = (batch: TrainingBatch) => TrainingBatch;

interface CommonAdversarialTrainingOptions {
  /** The model's valid input range. */
  bounds: Bounds;
  /**
   * Which labels the adversarial examples are made against: the batch's true labels (default, the one
   * rule of every attack here), or, by name, the model's own predictions (avoids label leaking).
   */
  labels?: 'true' | 'predicted';
  /** Run the model in training mode while attacking (keep noise on: PNI). Default false. */
  training?: boolean;
  /** Passed to classifierFromLayersModel. */
  outputs?: LayersModelClassifierOptions['outputs'];
}

export type FgsmAdversarialTrainingOptions = Strength & CommonAdversarialTrainingOptions;

export type PgdAdversarialTrainingOptions = Strength &
  CommonAdversarialTrainingOptions & {
    steps: number;
    stepSize: number;
    norm?: PgdNorm;
    randomStart?: boolean;
    /** Seed of the random starts; batch k uses seed + k, so runs repeat exactly. */
    seed?: number;
  };

function labelIndices(ys: Tensor, numClasses: number): Tensor1D {
  if (ys.rank === 2) {
    if (ys.shape[1] !== numClasses) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `batch.ys must be one-hot [B, ${numClasses}] or class indices [B], got shape [${ys.shape.join(', ')}]`,
        { argument: 'batch.ys' },
      );
    }
    return tf.tidy(() => tf.argMax(ys, 1) as Tensor1D);
  }
  if (ys.rank === 1) return tf.cast(ys, 'int32') as Tensor1D;
  throw new AnlError(
    'SHAPE_MISMATCH',
    `batch.ys must be one-hot [B, ${numClasses}] or class indices [B], got shape [${ys.shape.join(', ')}]`,
    { argument: 'batch.ys' },
  );
}

function checkBatch(batch: TrainingBatch): void {
  if (batch == null || !(batch.xs instanceof tf.Tensor) || !(batch.ys instanceof tf.Tensor)) {
    invalidArgument('batch', 'an object { xs, ys } of tfjs tensors', batch);
  }
  if (batch.xs.shape[0] !== batch.ys.shape[0]) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `batch.ys must have one row per input (${batch.xs.shape[0]}), got ${batch.ys.shape[0]}`,
      { argument: 'batch.ys' },
    );
  }
}

/** Clean batch followed by its adversarial copy: with a mean loss, 0.5·clean + 0.5·adversarial. */
function mixWithAdversarial(
  classifier: Classifier,
  batch: TrainingBatch,
  useTrueLabels: boolean,
  attack: (x: Tensor, labels: Tensor1D | undefined) => Tensor,
): TrainingBatch {
  checkBatch(batch);
  const labels = useTrueLabels ? labelIndices(batch.ys, classifier.numClasses) : undefined;
  try {
    const adversarial = attack(batch.xs, labels);
    const out = tf.tidy(() => ({
      xs: tf.concat([batch.xs, adversarial]),
      ys: tf.concat([batch.ys, batch.ys]),
    }));
    adversarial.dispose();
    return out;
  } finally {
    labels?.dispose();
  }
}

/**
 * The labels the attack follows where the backend cannot read synchronously (webgpu in Node): the
 * batch's own (made here by argmax, so valid by construction) or the model's predictions, as a tensor
 * the attack's steps own. Nothing is read back, so x's range check is skipped there (the adversarial
 * copy is still clipped to the bounds).
 */
function labelsWithoutReads(classifier: Classifier, x: Tensor, labels: Tensor1D | undefined): Tensor1D {
  return labels === undefined ? classifier.predict(x) : (tf.clone(labels) as Tensor1D);
}

function checkLabelsMode(value: unknown, fallback: 'true' | 'predicted'): boolean {
  const mode = value ?? fallback;
  if (mode !== 'true' && mode !== 'predicted')
    invalidArgument('options.labels', "'true' or 'predicted'", value);
  return mode === 'true';
}

/**
 * Goodfellow et al.'s adversarial training as a batchTransform: every batch is trained on together
 * with its FGSM copy made against the CURRENT weights (the ANL paper's "AT eps=0.05" row).
 * Default labels: the true ones (Goodfellow); 'predicted' avoids label leaking. Reads nothing back
 * where the backend cannot (webgpu in Node): there the batch's range check is skipped.
 */
export function fgsmAdversarialTraining(
  model: LayersModel,
  options: FgsmAdversarialTrainingOptions,
): BatchTransform {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const bounds = validateBounds(options.bounds, 'options.bounds');
  const { eps } = resolveStrength(options, bounds, 'options');
  const useTrueLabels = checkLabelsMode(options.labels, 'true');
  const classifier = classifierFromLayersModel(model, {
    bounds,
    training: options.training,
    outputs: options.outputs,
  });
  return (batch) =>
    mixWithAdversarial(classifier, batch, useTrueLabels, (x, labels) =>
      backendReadsSync()
        ? fgsm(classifier, x, { eps, labels: labels ?? 'predicted' })
        : fgsmSteps(classifier, x, [eps], labelsWithoutReads(classifier, x, labels), false)[0],
    );
}

/**
 * Madry-style PGD adversarial training as a batchTransform (the PNI authors' setting: L∞ eps 8/255,
 * 7 steps of 0.01, random start, [0, 1]); adversarial examples against the true labels by default
 * ('predicted' by name). Loss 0.5·clean + 0.5·adversarial through the concatenated batch.
 * Reads nothing back where the backend cannot (webgpu in Node): there the batch's range check is skipped.
 */
export function pgdAdversarialTraining(
  model: LayersModel,
  options: PgdAdversarialTrainingOptions,
): BatchTransform {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const bounds = validateBounds(options.bounds, 'options.bounds');
  const { eps } = resolveStrength(options, bounds, 'options');
  const useTrueLabels = checkLabelsMode(options.labels, 'true');
  const { steps, stepSize, norm, seed } = checkPgdSettings(options);
  const randomStart = optionalBoolean(options.randomStart, 'options.randomStart', true);
  const classifier = classifierFromLayersModel(model, {
    bounds,
    training: options.training,
    outputs: options.outputs,
  });
  let batchIndex = 0;
  return (batch) =>
    mixWithAdversarial(classifier, batch, useTrueLabels, (x, labels) => {
      const settings = { eps, steps, stepSize, norm, randomStart, seed: seed + batchIndex++ };
      return backendReadsSync()
        ? pgd(classifier, x, { ...settings, labels: labels ?? 'predicted' })
        : pgdSteps(classifier, x, settings, labelsWithoutReads(classifier, x, labels));
    });
}
