import { AnlError, invalidArgument } from '@anl/core';
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
import { resolveStrength, resolveStrengths, type Strength, type Strengths } from './epsilon';
import type { LabelsInput } from './labels';

/** Labels and direction shared by the FGSM variants. */
export interface FgsmTargeting {
  /** True class indices [B], or 'predicted' for the model's own predictions (no label leaking). */
  labels?: LabelsInput | 'predicted';
  /** Move towards `targetLabels` (descend their loss) instead of away from `labels`. */
  targeted?: boolean;
  /** Target class indices [B]; required with `targeted: true`, refused without it. */
  targetLabels?: LabelsInput;
}

export type FgsmOptions = Strength & FgsmTargeting;
export type FgsmSweepOptions = Strengths & FgsmTargeting;

interface Targeting {
  targeted: boolean;
  labels: LabelsInput | 'predicted' | undefined;
  argument: string;
}

/** Checks the targeting options (before anything is computed): which labels, and which direction. */
function targetingOf(options: FgsmTargeting, prefix: string): Targeting {
  const targeted = optionalBoolean(options.targeted, `${prefix}.targeted`, false);
  if (targeted && options.targetLabels === undefined) {
    throw new AnlError('INVALID_ARGUMENT', `${prefix}.targetLabels must be given when targeted is true`, {
      argument: `${prefix}.targetLabels`,
    });
  }
  if (!targeted && options.targetLabels !== undefined) {
    invalidArgument(`${prefix}.targeted`, 'true when targetLabels are given', options.targeted);
  }
  return targeted
    ? { targeted, labels: options.targetLabels, argument: `${prefix}.targetLabels` }
    : { targeted, labels: options.labels, argument: `${prefix}.labels` };
}

/**
 * FGSM's steps from checked inputs: one gradient, sign(dJ/dx) oriented so that adding it attacks
 * (minus for targeted), then one clipped step per strength. Disposes `labels`.
 */
export function fgsmSteps(
  classifier: Classifier,
  x: Tensor,
  epsilons: readonly number[],
  labels: Tensor1D,
  targeted: boolean,
): Tensor[] {
  let direction: Tensor;
  try {
    direction = tf.tidy(() => {
      const s = tf.sign(classifier.lossGradient(x, labels));
      return targeted ? tf.neg(s) : s;
    });
  } finally {
    labels.dispose();
  }
  try {
    const [lo, hi] = classifier.bounds;
    return epsilons.map((eps) => tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(direction, eps)), lo, hi)));
  } finally {
    direction.dispose();
  }
}

function checkOptions(options: unknown): void {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
}

/**
 * Fast Gradient Sign Method (Goodfellow et al. 2015): x_adv = clip(x + eps·sign(dJ/dx), lo, hi).
 * Strength as `eps` (input units) or `delta` (0–255 scale, the ANL paper's). Returns a new tensor.
 * Its input checks read synchronously: on webgpu in Node use `fgsmAsync`.
 */
export function fgsm(classifier: Classifier, x: Tensor, options: FgsmOptions): Tensor {
  checkAttackInput(classifier, x);
  checkOptions(options);
  const { eps } = resolveStrength(options, classifier.bounds, 'options');
  const t = targetingOf(options, 'options');
  const labels = attackLabels(classifier, x, t.labels, t.argument);
  return fgsmSteps(classifier, x, [eps], labels, t.targeted)[0];
}

/** `fgsm` with asynchronous input checks: the same result on every backend, webgpu in Node included. */
export async function fgsmAsync(classifier: Classifier, x: Tensor, options: FgsmOptions): Promise<Tensor> {
  await checkAttackInputAsync(classifier, x);
  checkOptions(options);
  const { eps } = resolveStrength(options, classifier.bounds, 'options');
  const t = targetingOf(options, 'options');
  const labels = await attackLabelsAsync(classifier, x, t.labels, t.argument);
  return fgsmSteps(classifier, x, [eps], labels, t.targeted)[0];
}

/**
 * FGSM at several strengths from ONE gradient (foolbox's epsilons list): one adversarial batch per
 * entry of `epsilons` / `deltas`, in order. Every returned tensor is the caller's.
 */
export function fgsmSweep(classifier: Classifier, x: Tensor, options: FgsmSweepOptions): Tensor[] {
  checkAttackInput(classifier, x);
  checkOptions(options);
  const strengths = resolveStrengths(options, classifier.bounds, 'options');
  const t = targetingOf(options, 'options');
  const labels = attackLabels(classifier, x, t.labels, t.argument);
  return fgsmSteps(
    classifier,
    x,
    strengths.map((s) => s.eps),
    labels,
    t.targeted,
  );
}

/** `fgsmSweep` with asynchronous input checks (every backend). */
export async function fgsmSweepAsync(
  classifier: Classifier,
  x: Tensor,
  options: FgsmSweepOptions,
): Promise<Tensor[]> {
  await checkAttackInputAsync(classifier, x);
  checkOptions(options);
  const strengths = resolveStrengths(options, classifier.bounds, 'options');
  const t = targetingOf(options, 'options');
  const labels = await attackLabelsAsync(classifier, x, t.labels, t.argument);
  return fgsmSteps(
    classifier,
    x,
    strengths.map((s) => s.eps),
    labels,
    t.targeted,
  );
}
