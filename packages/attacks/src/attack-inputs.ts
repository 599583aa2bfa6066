import { AnlError, invalidArgument } from '@anl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { assertInBounds, assertInBoundsAsync, validateBounds } from './bounds';
import type { Classifier } from './classifier';
import { type LabelsInput, toLabelTensor, toLabelTensorAsync } from './labels';

/** Checks the classifier and the shape and dtype of a batch `x` [B, ...] (reads no values). */
function checkAttackShape(classifier: Classifier, x: unknown): asserts x is Tensor {
  if (
    classifier == null ||
    typeof classifier.lossGradient !== 'function' ||
    typeof classifier.predict !== 'function' ||
    !Array.isArray(classifier.bounds)
  ) {
    invalidArgument('classifier', 'a Classifier (bounds, logits, lossGradient, predict)', classifier);
  }
  validateBounds(classifier.bounds, 'classifier.bounds');
  if (!(x instanceof tf.Tensor)) invalidArgument('x', 'a tfjs Tensor of shape [B, ...]', x);
  if (x.rank < 2) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `x must be a batch of shape [B, ...], got shape [${x.shape.join(', ')}]`,
      {
        argument: 'x',
      },
    );
  }
  if (x.dtype !== 'float32') invalidArgument('x', 'a float32 tensor', x.dtype);
}

/** Checks the classifier and a batch `x` [B, ...] before an attack touches anything (a synchronous read). */
export function checkAttackInput(classifier: Classifier, x: unknown): asserts x is Tensor {
  checkAttackShape(classifier, x);
  assertInBounds(x, classifier.bounds, 'x');
}

/** `checkAttackInput` with an asynchronous read: works on every backend, webgpu in Node included. */
export async function checkAttackInputAsync(classifier: Classifier, x: unknown): Promise<Tensor> {
  checkAttackShape(classifier, x);
  await assertInBoundsAsync(x, classifier.bounds, 'x');
  return x;
}

/**
 * The labels an attack follows, by one rule for every attack: the true labels when given (checked),
 * the model's own predictions only when asked for by name ('predicted', ART's y=None: avoids label
 * leaking). Omitted labels are refused. Returns int32 [B]; the caller disposes it.
 */
export function attackLabels(
  classifier: Classifier,
  x: Tensor,
  labels: LabelsInput | 'predicted' | undefined,
  argument: string,
): Tensor1D {
  if (labels === 'predicted') return classifier.predict(x);
  refuseMissingLabels(labels, argument);
  return toLabelTensor(labels, x.shape[0], classifier.numClasses, argument);
}

/** `attackLabels` with an asynchronous read of tensor labels. */
export async function attackLabelsAsync(
  classifier: Classifier,
  x: Tensor,
  labels: LabelsInput | 'predicted' | undefined,
  argument: string,
): Promise<Tensor1D> {
  if (labels === 'predicted') return classifier.predict(x);
  refuseMissingLabels(labels, argument);
  return toLabelTensorAsync(labels, x.shape[0], classifier.numClasses, argument);
}

function refuseMissingLabels(
  labels: LabelsInput | undefined,
  argument: string,
): asserts labels is LabelsInput {
  if (labels === undefined) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `${argument} must be the true class indices, or 'predicted' to attack the model's own predictions`,
      { argument },
    );
  }
}

/** Checks a value that must be a boolean when present. */
export function optionalBoolean(value: unknown, argument: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidArgument(argument, 'true or false', value);
  return value;
}
