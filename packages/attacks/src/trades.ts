import { createRng, invalidArgument } from '@anl/core';
import type { Optimizer, Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { TrainingBatch } from './adversarial-training';
import { checkTrainingBatch } from './batch-labels';
import { type Bounds, validateBounds } from './bounds';
import { resolveStrength, type Strength } from './epsilon';
import { classifierFromLayersModel, type LayersModelClassifierOptions } from './layers-model-classifier';

/**
 * KL(p ‖ q) per sample, with p = softmax(pLogits), q = softmax(qLogits): Σ_c p_c (log p_c − log q_c),
 * shape [B]. (TRADES's `KLDivLoss(log_softmax(f(x')), softmax(f(x)))` before its batch mean.)
 */
export function klDivergence(pLogits: Tensor2D, qLogits: Tensor2D): Tensor {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(pLogits);
    const logQ = tf.logSoftmax(qLogits);
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1);
  });
}

/**
 * The TRADES objective (Zhang et al. 2019) as a batch mean: CE(f(x), y) + β·KL(f(x) ‖ f(x')).
 * `ys` one-hot [B, C]. Gradients flow through both logits, as in the authors' code.
 */
export function tradesLoss(
  cleanLogits: Tensor2D,
  adversarialLogits: Tensor2D,
  ys: Tensor,
  beta: number,
): Scalar {
  checkBeta(beta);
  return tf.tidy(() => {
    const ce = tf.losses.softmaxCrossEntropy(ys, cleanLogits);
    if (beta === 0) return ce as Scalar;
    return tf.add(ce, tf.mul(beta, tf.mean(klDivergence(cleanLogits, adversarialLogits)))) as Scalar;
  });
}

function checkBeta(beta: unknown): number {
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
    invalidArgument('options.beta', 'a finite number >= 0', beta);
  }
  return beta;
}

export interface TradesPerturbationOptions {
  eps: number;
  steps: number;
  stepSize: number;
  bounds: Bounds;
  seed: number;
}

/**
 * TRADES's inner maximisation: x' = x + 0.001·N(0, 1), then `steps` sign-gradient steps of
 * `stepSize` on KL(f(x) ‖ f(x')) with f(x) held fixed, each projected onto the L∞ eps-ball around x
 * and clipped to the bounds. `logits` is the model's forward (evaluation mode in the authors' code).
 */
export function tradesPerturb(
  logits: (x: Tensor) => Tensor2D,
  x: Tensor,
  options: TradesPerturbationOptions,
): Tensor {
  const { eps, steps, stepSize, bounds, seed } = options;
  const [lo, hi] = bounds;
  const clean = tf.tidy(() => logits(x));
  try {
    let xAdv = tf.tidy(() =>
      tf.clipByValue(tf.add(x, tf.mul(0.001, tf.randomNormal(x.shape, 0, 1, 'float32', seed))), lo, hi),
    );
    for (let i = 0; i < steps; i++) {
      const previous = xAdv;
      xAdv = tf.tidy(() => {
        const g = tf.grad((input: Tensor) => tf.sum(klDivergence(clean as Tensor2D, logits(input))))(
          previous,
        );
        const moved = tf.add(previous, tf.mul(tf.sign(g), stepSize));
        const projected = tf.minimum(tf.maximum(moved, tf.sub(x, eps)), tf.add(x, eps));
        return tf.clipByValue(projected, lo, hi);
      });
      previous.dispose();
    }
    return xAdv;
  } finally {
    clean.dispose();
  }
}

export type TradesOptions = Strength & {
  bounds: Bounds;
  /** Weight of the KL term (the paper: 6 on CIFAR-10, 1 on MNIST). >= 0; 0 is clean training. */
  beta: number;
  /** Inner steps (the paper: 10 on CIFAR-10, 40 on MNIST) and their size (default 2.5·eps/steps). */
  steps: number;
  stepSize?: number;
  /** Seed of the starting noise (default 0); each batch draws from this stream. */
  seed?: number;
  outputs?: LayersModelClassifierOptions['outputs'];
};

/**
 * TRADES for one model: `perturb(xs)` runs the inner maximisation (outside any gradient tape) and
 * `loss(batch, xAdv)` is the outer objective through the model's training-mode forward (inside the
 * optimizer's tape). A trainer that accepts a method-provided loss needs only these two.
 */
export interface TradesObjective {
  readonly beta: number;
  perturb(xs: Tensor): Tensor;
  loss(batch: TrainingBatch, xAdv: Tensor): Scalar;
}

export function tradesObjective(model: LayersModel, options: TradesOptions): TradesObjective {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const bounds = validateBounds(options.bounds, 'options.bounds');
  const { eps } = resolveStrength(options, bounds, 'options');
  const beta = checkBeta(options.beta);
  const { steps } = options;
  if (!Number.isInteger(steps) || steps < 0) invalidArgument('options.steps', 'an integer >= 0', steps);
  const stepSize = options.stepSize ?? (steps === 0 ? 0 : (2.5 * eps) / steps);
  if (typeof stepSize !== 'number' || !Number.isFinite(stepSize) || stepSize < 0) {
    invalidArgument('options.stepSize', 'a finite number >= 0', stepSize);
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) invalidArgument('options.seed', 'a safe integer', seed);
  const evaluation = classifierFromLayersModel(model, { bounds, outputs: options.outputs, training: false });
  const training = classifierFromLayersModel(model, { bounds, outputs: options.outputs, training: true });
  const rng = createRng(seed);
  return {
    beta,
    perturb: (xs) =>
      tradesPerturb(evaluation.logits, xs, { eps, steps, stepSize, bounds, seed: rng.nextUint32() }),
    loss: (batch, xAdv) => {
      checkTrainingBatch(batch, training.numClasses);
      return tf.tidy(() => {
        const ys =
          batch.ys.rank === 2 ? batch.ys : tf.oneHot(tf.cast(batch.ys, 'int32'), training.numClasses);
        const clean = training.logits(batch.xs);
        // β = 0 is clean training: no second forward (and no noise draws in it).
        const adversarial = beta === 0 ? clean : training.logits(xAdv);
        return tradesLoss(clean, adversarial, ys, beta);
      });
    },
  };
}

/**
 * One TRADES training step without a trainer: perturb, then `optimizer.minimize` of the objective.
 * Returns the loss (the caller disposes it). The trainer runs TRADES itself as a registry method
 * (method name trades in `trainWithNoise`, options beta / steps / stepFactor under its name in
 * `methodOptions`); this stays for a hand-written loop.
 */
export function tradesStep(objective: TradesObjective, optimizer: Optimizer, batch: TrainingBatch): Scalar {
  const xAdv = objective.beta === 0 ? batch.xs : objective.perturb(batch.xs);
  try {
    return optimizer.minimize(() => objective.loss(batch, xAdv), true) as Scalar;
  } finally {
    if (xAdv !== batch.xs) xAdv.dispose();
  }
}
