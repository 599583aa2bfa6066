import { AnlError, invalidArgument } from '@anl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { attackLabels, checkAttackInput, optionalBoolean } from './attack-inputs';
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

/**
 * Checks the targeting options, then returns sign(dJ/dx) oriented so that adding it attacks
 * (minus for targeted). Throws before computing anything.
 */
function signedGradient(classifier: Classifier, x: Tensor, options: FgsmTargeting, prefix: string): Tensor {
  const targeted = optionalBoolean(options.targeted, `${prefix}.targeted`, false);
  if (targeted && options.targetLabels === undefined) {
    throw new AnlError('INVALID_ARGUMENT', `${prefix}.targetLabels must be given when targeted is true`, {
      argument: `${prefix}.targetLabels`,
    });
  }
  if (!targeted && options.targetLabels !== undefined) {
    invalidArgument(`${prefix}.targeted`, 'true when targetLabels are given', options.targeted);
  }
  let labels: Tensor1D;
  if (targeted) {
    labels = attackLabels(classifier, x, options.targetLabels, `${prefix}.targetLabels`);
  } else {
    labels = attackLabels(classifier, x, options.labels, `${prefix}.labels`);
  }
  try {
    return tf.tidy(() => {
      const s = tf.sign(classifier.lossGradient(x, labels));
      return targeted ? tf.neg(s) : s;
    });
  } finally {
    labels.dispose();
  }
}

function step(x: Tensor, direction: Tensor, eps: number, lo: number, hi: number): Tensor {
  return tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(direction, eps)), lo, hi));
}

/**
 * Fast Gradient Sign Method (Goodfellow et al. 2015): x_adv = clip(x + eps·sign(dJ/dx), lo, hi).
 * Strength as `eps` (input units) or `delta` (0–255 scale, the ANL paper's). Returns a new tensor.
 */
export function fgsm(classifier: Classifier, x: Tensor, options: FgsmOptions): Tensor {
  checkAttackInput(classifier, x);
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { eps } = resolveStrength(options, classifier.bounds, 'options');
  const direction = signedGradient(classifier, x, options, 'options');
  try {
    return step(x, direction, eps, classifier.bounds[0], classifier.bounds[1]);
  } finally {
    direction.dispose();
  }
}

/**
 * FGSM at several strengths from ONE gradient (foolbox's epsilons list): one adversarial batch per
 * entry of `epsilons` / `deltas`, in order. Every returned tensor is the caller's.
 */
export function fgsmSweep(classifier: Classifier, x: Tensor, options: FgsmSweepOptions): Tensor[] {
  checkAttackInput(classifier, x);
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const strengths = resolveStrengths(options, classifier.bounds, 'options');
  const direction = signedGradient(classifier, x, options, 'options');
  try {
    return strengths.map(({ eps }) => step(x, direction, eps, classifier.bounds[0], classifier.bounds[1]));
  } finally {
    direction.dispose();
  }
}
