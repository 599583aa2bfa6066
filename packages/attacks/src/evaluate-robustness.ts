import { AnlError, invalidArgument } from '@anl/core';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { checkAttackInputAsync, optionalBoolean } from './attack-inputs';
import type { Classifier } from './classifier';
import { resolveStrengths, type Strengths } from './epsilon';
import { fgsmSteps } from './fgsm';
import { type LabelsInput, toLabelTensorAsync } from './labels';
import { checkPgdSettings, type PgdNorm, pgdSteps } from './pgd';
import type { RobustnessAttack, RobustnessReport, RobustnessRow } from './robustness-report';
import { applyUniformNoise, checkUniformNoiseOptions, type Renormalization } from './uniform-noise';

/** Inputs with their true labels: one-hot `ys` [N, C] or class indices (`ys` [N] or `labels`). */
export interface LabelledData {
  xs: Tensor;
  ys?: Tensor;
  labels?: LabelsInput;
}

export type EvaluateRobustnessOptions = Strengths & {
  attack: RobustnessAttack;
  /** Examples per attack batch (default 128). */
  batchSize?: number;
  /**
   * Labels the attack follows (fgsm, pgd): 'true' (default, the data's labels, as in the papers'
   * tables) or 'predicted' (the model's own). Accuracy is always measured against the true labels.
   */
  attackLabels?: 'true' | 'predicted';
  /** PGD: number of steps (default 10). */
  steps?: number;
  /** PGD: absolute step size in input units. Default: relativeStepSize · eps. */
  stepSize?: number;
  /** PGD: step size as a fraction of each eps (default 2.5 / steps, Madry et al.). */
  relativeStepSize?: number;
  norm?: PgdNorm;
  randomStart?: boolean;
  /** Seed of PGD's random starts and of the uniform noise (default 0). */
  seed?: number;
  /** uniform: how noisy inputs are brought back into the bounds (default 'range'). */
  renormalize?: Renormalization;
  /** uniform: independent noise draws averaged per row (the WM paper averages 3; default 1). */
  trials?: number;
  /** Also report the activation MSE at this layer (needs classifier.activations). */
  activationLayer?: string;
};

async function trueLabels(data: LabelledData, numClasses: number): Promise<Tensor1D> {
  const n = data.xs.shape[0];
  if ((data.ys === undefined) === (data.labels === undefined)) {
    throw new AnlError('INVALID_ARGUMENT', 'exactly one of data.ys or data.labels must be given', {
      argument: 'data.labels',
    });
  }
  if (data.labels !== undefined) return toLabelTensorAsync(data.labels, n, numClasses, 'data.labels');
  const ys = data.ys;
  if (!(ys instanceof tf.Tensor)) return invalidArgument('data.ys', 'a tfjs Tensor', ys);
  if (ys.rank === 2) {
    if (ys.shape[0] !== n || ys.shape[1] !== numClasses) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `data.ys must be one-hot of shape [${n}, ${numClasses}], got [${ys.shape.join(', ')}]`,
        { argument: 'data.ys' },
      );
    }
    return tf.tidy(() => tf.argMax(ys, 1) as Tensor1D);
  }
  return toLabelTensorAsync(ys, n, numClasses, 'data.ys');
}

function positiveInteger(value: unknown, argument: string, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || (v as number) < 1) invalidArgument(argument, 'an integer >= 1', value);
  return v as number;
}

async function countCorrect(classifier: Classifier, x: Tensor, labels: Tensor1D): Promise<number> {
  const correct = tf.tidy(() => {
    const predicted = classifier.predict(x);
    return tf.sum(tf.cast(tf.equal(predicted, labels), 'int32'));
  });
  const value = (await correct.data())[0];
  correct.dispose();
  return value;
}

/** Sum of squared differences between the layer's activations for x and the clean ones. */
async function activationSquaredError(
  classifier: Classifier,
  layer: string,
  cleanActivations: Tensor,
  x: Tensor,
): Promise<number> {
  const sum = tf.tidy(() => {
    const a = classifier.activations!(x, layer);
    return tf.sum(tf.squaredDifference(a, cleanActivations));
  });
  const value = (await sum.data())[0];
  sum.dispose();
  return value;
}

/**
 * Accuracy of `classifier` on `data` clean and under an attack at every strength, batch by batch
 * (foolbox's robustness curve). FGSM computes one gradient per batch for all strengths. For 'uniform'
 * the strengths are the noise's upper end a. Returns a plain JSON report.
 */
export async function evaluateRobustness(
  classifier: Classifier,
  data: LabelledData,
  options: EvaluateRobustnessOptions,
): Promise<RobustnessReport> {
  if (data == null || typeof data !== 'object')
    invalidArgument('data', 'an object { xs, ys | labels }', data);
  await checkAttackInputAsync(classifier, data.xs);
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const attack = options.attack;
  if (attack !== 'fgsm' && attack !== 'pgd' && attack !== 'uniform') {
    invalidArgument('options.attack', "'fgsm', 'pgd' or 'uniform'", attack);
  }
  const strengths = resolveStrengths(options, classifier.bounds, 'options');
  const batchSize = positiveInteger(options.batchSize, 'options.batchSize', 128);
  const steps = positiveInteger(options.steps, 'options.steps', 10);
  const trials = positiveInteger(options.trials, 'options.trials', 1);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) invalidArgument('options.seed', 'an integer', seed);
  const attackLabelsMode = options.attackLabels ?? 'true';
  if (attackLabelsMode !== 'true' && attackLabelsMode !== 'predicted') {
    invalidArgument('options.attackLabels', "'true' or 'predicted'", attackLabelsMode);
  }
  const relativeStepSize = options.relativeStepSize ?? 2.5 / steps;
  if (options.stepSize !== undefined && options.relativeStepSize !== undefined) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      'at most one of options.stepSize or options.relativeStepSize may be given',
      {
        argument: 'options.relativeStepSize',
      },
    );
  }
  if (!(relativeStepSize > 0)) invalidArgument('options.relativeStepSize', 'a number > 0', relativeStepSize);
  if (attack === 'pgd') {
    // Fail on bad PGD settings now, not at the first batch.
    checkPgdSettings({ steps, stepSize: options.stepSize ?? relativeStepSize, norm: options.norm, seed });
  }
  const randomStart =
    attack === 'pgd' ? optionalBoolean(options.randomStart, 'options.randomStart', true) : true;
  const norm = options.norm ?? 'linf';
  if (attack === 'uniform') {
    checkUniformNoiseOptions({ a: 0, seed, bounds: classifier.bounds, renormalize: options.renormalize });
  }
  const layer = options.activationLayer;
  if (layer !== undefined && typeof classifier.activations !== 'function') {
    throw new AnlError(
      'UNSUPPORTED',
      'options.activationLayer needs a classifier with an activations() method',
      {
        argument: 'options.activationLayer',
      },
    );
  }
  // The inputs and labels were checked above (asynchronously), so the batches run unchecked attacks.
  const labels = await trueLabels(data, classifier.numClasses);
  const n = data.xs.shape[0];
  let cleanCorrect = 0;
  const correct = strengths.map(() => 0);
  const squared = strengths.map(() => 0);
  let elements = 0;
  try {
    for (let start = 0, batchIndex = 0; start < n; start += batchSize, batchIndex++) {
      const size = Math.min(batchSize, n - start);
      const x = tf.slice(data.xs, start, size);
      const y = tf.slice(labels, start, size);
      const clean = layer === undefined ? undefined : classifier.activations!(x, layer);
      elements += clean?.size ?? 0;
      try {
        cleanCorrect += await countCorrect(classifier, x, y);
        const attackY = () => (attackLabelsMode === 'true' ? tf.clone(y) : classifier.predict(x));
        const perturbedRuns: (() => Tensor[])[] = [];
        if (attack === 'fgsm') {
          perturbedRuns.push(() =>
            fgsmSteps(
              classifier,
              x,
              strengths.map((s) => s.eps),
              attackY(),
              false,
            ),
          );
        } else if (attack === 'pgd') {
          perturbedRuns.push(() =>
            strengths.map(({ eps }) =>
              eps === 0
                ? tf.clone(x)
                : pgdSteps(
                    classifier,
                    x,
                    {
                      eps,
                      steps,
                      stepSize: options.stepSize ?? relativeStepSize * eps,
                      norm,
                      randomStart,
                      seed: seed + batchIndex,
                    },
                    attackY(),
                  ),
            ),
          );
        } else {
          for (let trial = 0; trial < trials; trial++) {
            perturbedRuns.push(() =>
              strengths.map(({ eps }, i) =>
                applyUniformNoise(
                  x,
                  checkUniformNoiseOptions({
                    a: eps,
                    seed: seed + 7919 * (batchIndex * trials + trial) + i,
                    bounds: classifier.bounds,
                    renormalize: options.renormalize,
                  }),
                ),
              ),
            );
          }
        }
        for (const run of perturbedRuns) {
          const perturbed = run();
          try {
            for (let i = 0; i < perturbed.length; i++) {
              correct[i] += (await countCorrect(classifier, perturbed[i], y)) / perturbedRuns.length;
              if (clean !== undefined && layer !== undefined) {
                squared[i] +=
                  (await activationSquaredError(classifier, layer, clean, perturbed[i])) /
                  perturbedRuns.length;
              }
            }
          } finally {
            tf.dispose(perturbed);
          }
        }
      } finally {
        tf.dispose([x, y]);
        clean?.dispose();
      }
    }
  } finally {
    labels.dispose();
  }
  const rows: RobustnessRow[] = strengths.map(({ eps, delta }, i) => {
    const accuracy = correct[i] / n;
    const row: RobustnessRow =
      delta === undefined
        ? { eps, accuracy, error: 1 - accuracy }
        : { eps, delta, accuracy, error: 1 - accuracy };
    if (layer !== undefined) row.activationMse = squared[i] / elements;
    return row;
  });
  const settings: Record<string, unknown> = { batchSize, attackLabels: attackLabelsMode };
  if (attack === 'pgd') {
    Object.assign(settings, {
      steps,
      stepSize: options.stepSize ?? `${relativeStepSize} * eps`,
      norm: options.norm ?? 'linf',
      randomStart: options.randomStart ?? true,
      seed,
    });
  }
  if (attack === 'uniform')
    Object.assign(settings, { renormalize: options.renormalize ?? 'range', trials, seed });
  if (layer !== undefined) settings.activationLayer = layer;
  return {
    attack,
    bounds: [classifier.bounds[0], classifier.bounds[1]],
    numExamples: n,
    clean: { accuracy: cleanCorrect / n, error: 1 - cleanCorrect / n },
    rows,
    settings,
  };
}
