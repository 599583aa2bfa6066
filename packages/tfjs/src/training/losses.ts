import { AnlError } from '@anl/core';
import {
  cast,
  clipByValue,
  log,
  logSoftmax,
  mean,
  mul,
  neg,
  oneHot,
  reshape,
  type Scalar,
  square,
  sub,
  sum,
  type Tensor,
} from '@tensorflow/tfjs-core';

/** A loss by name, or `(yTrue, yPred) => loss` (per-sample losses are averaged). */
export type LossSpec =
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'softmaxCrossEntropy'
  | 'meanSquaredError'
  | ((yTrue: Tensor, yPred: Tensor) => Tensor);

/** `(yTrue, yPred) => mean loss over the batch` (shape `[]`). */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Scalar;

/** The names accepted as `loss`. */
export const LOSS_NAMES = [
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'softmaxCrossEntropy',
  'meanSquaredError',
] as const;

// Keras' clipping constant: keeps log(p) finite when a softmax saturates.
const PROBABILITY_EPSILON = 1e-7;

/** Targets as one-hot rows `[B, C]`: integer labels (`[B]` or `[B, 1]`) are expanded, one-hot passes. */
export function toOneHot(yTrue: Tensor, numClasses: number): Tensor {
  const isSparse = yTrue.rank === 1 || (yTrue.rank === 2 && yTrue.shape[1] === 1 && numClasses > 1);
  if (!isSparse) return yTrue.dtype === 'float32' ? yTrue : cast(yTrue, 'float32');
  const labels = cast(reshape(yTrue, [-1]), 'int32');
  return cast(oneHot(labels, numClasses), 'float32');
}

function classesOf(yPred: Tensor): number {
  return yPred.shape[yPred.rank - 1];
}

/** Cross-entropy of softmax probabilities (the output of a softmax layer). */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor): Scalar {
  const target = toOneHot(yTrue, classesOf(yPred));
  const p = clipByValue(yPred, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  return mean(neg(sum(mul(target, log(p)), -1)));
}

/** Cross-entropy of logits (a model without a final softmax), computed stably with logSoftmax. */
export function softmaxCrossEntropy(yTrue: Tensor, logits: Tensor): Scalar {
  const target = toOneHot(yTrue, classesOf(logits));
  return mean(neg(sum(mul(target, logSoftmax(logits, -1)), -1)));
}

/** Mean of squared differences over every element. */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Scalar {
  return mean(square(sub(yPred, cast(yTrue, 'float32'))));
}

/**
 * Resolves `loss`: the option, else the model's compiled loss when it is one of ours by name (Keras
 * spells them in snake_case too), else categorical cross-entropy on softmax outputs.
 */
export function resolveLoss(loss: LossSpec | undefined, compiledLoss: unknown): LossFn {
  const spec = loss ?? compiledLossSpec(compiledLoss) ?? 'categoricalCrossentropy';
  if (typeof spec === 'function') {
    return (yTrue, yPred) => mean(spec(yTrue, yPred)) as Scalar;
  }
  switch (spec) {
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy':
      return categoricalCrossentropy;
    case 'softmaxCrossEntropy':
      return softmaxCrossEntropy;
    case 'meanSquaredError':
      return meanSquaredError;
    default:
      throw new AnlError(
        'INVALID_ARGUMENT',
        `loss must be one of ${LOSS_NAMES.join(', ')} or a function (yTrue, yPred) => Tensor, got ${JSON.stringify(spec)}`,
        { argument: 'loss' },
      );
  }
}

const KERAS_ALIASES: Record<string, LossSpec> = {
  categoricalCrossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  meanSquaredError: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
  MSE: 'meanSquaredError',
};

function compiledLossSpec(compiled: unknown): LossSpec | undefined {
  if (typeof compiled === 'function') return compiled as LossSpec;
  if (typeof compiled !== 'string') return undefined;
  const spec = KERAS_ALIASES[compiled];
  if (spec === undefined) {
    throw new AnlError(
      'UNSUPPORTED',
      `the model is compiled with loss ${JSON.stringify(compiled)}, which the trainer does not know; pass options.loss (one of ${LOSS_NAMES.join(', ')} or a function)`,
      { argument: 'loss' },
    );
  }
  return spec;
}
