import { createRng, invalidArgument } from '@anl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { BatchTransform } from './adversarial-training';
import { batchLabelIndices, checkTrainingBatch } from './batch-labels';
import { type Bounds, validateBounds } from './bounds';
import type { Classifier } from './classifier';
import { resolveStrength, type Strength } from './epsilon';
import { classifierFromLayersModel, type LayersModelClassifierOptions } from './layers-model-classifier';

export type FastAdversarialTrainingOptions = Strength & {
  /** The model's valid input range. */
  bounds: Bounds;
  /** FGSM step from the random start, in input units (default 1.25·eps, the paper's). */
  stepSize?: number;
  /** Also train on the clean batch (0.5·clean + 0.5·adversarial). Default false: the paper trains on x + δ only. */
  mixClean?: boolean;
  /** Seed of the random starts (default 0); every batch draws a fresh one from this stream. */
  seed?: number;
  /** Run the model in training mode while attacking (keep noise on). Default false. */
  training?: boolean;
  outputs?: LayersModelClassifierOptions['outputs'];
};

/**
 * One fast-AT perturbation (Wong, Rice & Kolter 2020): δ₀ ~ U(−eps, eps), one FGSM step of
 * `stepSize` from clip(x + δ₀), δ projected back onto the eps-ball, x + δ clipped to the bounds.
 * With eps = 0 it returns x. Returns a new tensor.
 */
export function fastFgsm(
  classifier: Classifier,
  x: Tensor,
  labels: Tensor1D,
  options: { eps: number; stepSize: number; seed: number },
): Tensor {
  const { eps, stepSize, seed } = options;
  const [lo, hi] = classifier.bounds;
  return tf.tidy(() => {
    const start = tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', seed)), lo, hi);
    const g = classifier.lossGradient(start, labels);
    const delta = tf.clipByValue(tf.sub(tf.add(start, tf.mul(tf.sign(g), stepSize)), x), -eps, eps);
    return tf.clipByValue(tf.add(x, delta), lo, hi);
  });
}

/**
 * "Fast is better than free" adversarial training as a `batchTransform` for `trainWithNoise`: every
 * batch is replaced by its fast-FGSM copy (random start, step 1.25·eps, against the batch's true
 * labels and the CURRENT weights). One gradient per batch, so about twice the cost of clean training.
 * Pair it with `catastrophicOverfittingGuard` (the paper's early stopping).
 */
export function fastAdversarialTraining(
  model: LayersModel,
  options: FastAdversarialTrainingOptions,
): BatchTransform {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const bounds = validateBounds(options.bounds, 'options.bounds');
  const { eps } = resolveStrength(options, bounds, 'options');
  const stepSize = options.stepSize ?? 1.25 * eps;
  if (typeof stepSize !== 'number' || !Number.isFinite(stepSize) || stepSize < 0) {
    invalidArgument('options.stepSize', 'a finite number >= 0', stepSize);
  }
  const mixClean = options.mixClean ?? false;
  if (typeof mixClean !== 'boolean') invalidArgument('options.mixClean', 'a boolean', mixClean);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) invalidArgument('options.seed', 'a safe integer', seed);
  const classifier = classifierFromLayersModel(model, {
    bounds,
    training: options.training,
    outputs: options.outputs,
  });
  const rng = createRng(seed);
  return (batch) => {
    checkTrainingBatch(batch, classifier.numClasses);
    const labels = batchLabelIndices(batch.ys);
    try {
      const adversarial = fastFgsm(classifier, batch.xs, labels, { eps, stepSize, seed: rng.nextUint32() });
      if (!mixClean) return { xs: adversarial, ys: tf.clone(batch.ys) };
      const out = tf.tidy(() => ({
        xs: tf.concat([batch.xs, adversarial]),
        ys: tf.concat([batch.ys, batch.ys]),
      }));
      adversarial.dispose();
      return out;
    } finally {
      labels.dispose();
    }
  };
}
