import { invalidArgument } from '@anl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  attackLabels,
  attackLabelsAsync,
  checkAttackInput,
  checkAttackInputAsync,
  optionalBoolean,
} from './attack-inputs';
import type { Classifier } from './classifier';
import { resolveStrength, type Strength } from './epsilon';
import type { LabelsInput } from './labels';

export type PgdNorm = 'linf' | 'l2';

export type PgdOptions = Strength & {
  /** Number of gradient steps (an integer >= 1). */
  steps: number;
  /** Step length in input units (L∞: per element; L2: the L2 length of each sample's step). */
  stepSize: number;
  /** Start from a uniform random point of the eps-ball (default true, Madry et al.). */
  randomStart?: boolean;
  /** Ball the perturbation lives in (default 'linf'). For 'l2', eps is the ball's L2 radius. */
  norm?: PgdNorm;
  /** True class indices [B], or 'predicted' for the model's own predictions (no label leaking). */
  labels?: LabelsInput | 'predicted';
  /** Seed of the random start (default 0): the same seed gives the same start. */
  seed?: number;
};

/** Per-sample L2 norm of a [B, ...] tensor, kept broadcastable: shape [B, 1, ..., 1]. */
function perSampleL2(t: Tensor): Tensor {
  const axes = t.shape.map((_, i) => i).slice(1);
  return tf.sqrt(tf.sum(tf.square(t), axes, true));
}

/** g / ||g||_2 per sample; a sample whose gradient is all zero gets a zero step, never NaN. */
function l2Direction(g: Tensor): Tensor {
  return tf.div(g, tf.maximum(perSampleL2(g), 1e-30));
}

/** Projects xAdv onto the eps-ball around x (L∞: element-wise clip; L2: radial shrink). */
function projectToBall(x: Tensor, xAdv: Tensor, eps: number, norm: PgdNorm): Tensor {
  if (norm === 'linf') return tf.minimum(tf.maximum(xAdv, tf.sub(x, eps)), tf.add(x, eps));
  const d = tf.sub(xAdv, x);
  // Only samples outside the ball shrink: factor = min(1, eps / ||d||).
  const factor = tf.minimum(1, tf.div(eps, tf.maximum(perSampleL2(d), 1e-30)));
  return tf.add(x, tf.mul(d, factor));
}

/** A uniform random point of the eps-ball around x (L2: uniform in volume, foolbox's construction). */
function randomPoint(x: Tensor, eps: number, norm: PgdNorm, seed: number): Tensor {
  if (norm === 'linf') return tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', seed));
  const batch = x.shape[0];
  const dim = x.size / batch;
  const direction = l2Direction(tf.randomNormal(x.shape, 0, 1, 'float32', seed));
  // radius = eps · u^(1/d) makes the point uniform in the ball's volume.
  const u = tf.randomUniform([batch, ...x.shape.slice(1).map(() => 1)], 0, 1, 'float32', seed + 1);
  return tf.add(x, tf.mul(direction, tf.mul(eps, tf.pow(u, 1 / dim))));
}

/** Checks PGD's step settings (shared with pgdAdversarialTraining, which checks them up front). */
export function checkPgdSettings(options: {
  steps?: unknown;
  stepSize?: unknown;
  norm?: unknown;
  seed?: unknown;
}): { steps: number; stepSize: number; norm: PgdNorm; seed: number } {
  const { steps, stepSize } = options;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1) {
    invalidArgument('options.steps', 'an integer >= 1', steps);
  }
  if (typeof stepSize !== 'number' || !Number.isFinite(stepSize) || stepSize <= 0) {
    invalidArgument('options.stepSize', 'a finite number > 0 (input units)', stepSize);
  }
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') invalidArgument('options.norm', "'linf' or 'l2'", norm);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    invalidArgument('options.seed', 'an integer', seed);
  return { steps, stepSize, norm, seed };
}

/** PGD's settings, checked. */
export interface PgdSettings {
  eps: number;
  steps: number;
  stepSize: number;
  norm: PgdNorm;
  seed: number;
  randomStart: boolean;
}

function checkPgdOptions(classifier: Classifier, options: PgdOptions): PgdSettings {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { eps } = resolveStrength(options, classifier.bounds, 'options');
  const { steps, stepSize, norm, seed } = checkPgdSettings(options);
  const randomStart = optionalBoolean(options.randomStart, 'options.randomStart', true);
  return { eps, steps, stepSize, norm, seed, randomStart };
}

/** PGD's iterations from checked inputs; returns the last iterate. Disposes `labels`. */
export function pgdSteps(classifier: Classifier, x: Tensor, settings: PgdSettings, labels: Tensor1D): Tensor {
  const { eps, steps, stepSize, norm, seed, randomStart } = settings;
  const [lo, hi] = classifier.bounds;
  try {
    let xAdv = tf.tidy(() =>
      randomStart
        ? tf.clipByValue(projectToBall(x, randomPoint(x, eps, norm, seed), eps, norm), lo, hi)
        : tf.clone(x),
    );
    for (let i = 0; i < steps; i++) {
      const previous = xAdv;
      xAdv = tf.tidy(() => {
        const g = classifier.lossGradient(previous, labels);
        const direction = norm === 'linf' ? tf.sign(g) : l2Direction(g);
        const moved = tf.add(previous, tf.mul(direction, stepSize));
        return tf.clipByValue(projectToBall(x, moved, eps, norm), lo, hi);
      });
      previous.dispose();
    }
    return xAdv;
  } finally {
    labels.dispose();
  }
}

/**
 * Projected Gradient Descent (Madry et al. 2018), untargeted: from a random start in the eps-ball,
 * `steps` steps of `stepSize` along sign(dJ/dx) (L∞) or dJ/dx/||dJ/dx||₂ (L2); after every step,
 * project to the eps-ball around x, then clip to the classifier's bounds (foolbox's order).
 * Returns the last iterate, a new tensor. Its input checks read synchronously: on webgpu in Node use
 * `pgdAsync`.
 */
export function pgd(classifier: Classifier, x: Tensor, options: PgdOptions): Tensor {
  checkAttackInput(classifier, x);
  const settings = checkPgdOptions(classifier, options);
  const labels = attackLabels(classifier, x, options.labels, 'options.labels');
  return pgdSteps(classifier, x, settings, labels);
}

/** `pgd` with asynchronous input checks: the same result on every backend, webgpu in Node included. */
export async function pgdAsync(classifier: Classifier, x: Tensor, options: PgdOptions): Promise<Tensor> {
  await checkAttackInputAsync(classifier, x);
  const settings = checkPgdOptions(classifier, options);
  const labels = await attackLabelsAsync(classifier, x, options.labels, 'options.labels');
  return pgdSteps(classifier, x, settings, labels);
}
