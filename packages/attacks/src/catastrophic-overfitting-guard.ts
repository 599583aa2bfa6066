import { invalidArgument } from '@anl/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Bounds } from './bounds';
import { validateBounds } from './bounds';
import { resolveStrength, type Strength } from './epsilon';
import { type LabelsInput, toLabelTensorAsync } from './labels';
import { classifierFromLayersModel, type LayersModelClassifierOptions } from './layers-model-classifier';
import { pgdAsync } from './pgd';

export type CatastrophicOverfittingGuardOptions = Strength & {
  /** A held-out minibatch (the paper uses one training minibatch): inputs and class indices. */
  heldOut: { xs: Tensor; labels: LabelsInput };
  bounds: Bounds;
  /** PGD used for the check (defaults: 10 steps of eps/4, random start). */
  steps?: number;
  stepSize?: number;
  /** Stop when PGD accuracy falls by more than this (a fraction) from the previous epoch (default 0.2). */
  maxDrop?: number;
  seed?: number;
  outputs?: LayersModelClassifierOptions['outputs'];
};

/** What the guard saw, epoch by epoch. */
export interface GuardRecord {
  epoch: number;
  /** PGD accuracy on the held-out minibatch, a fraction. */
  robustAccuracy: number;
}

/**
 * Early stopping against catastrophic overfitting (Wong, Rice & Kolter 2020): after every epoch,
 * PGD accuracy on a held-out minibatch; if it dropped by more than `maxDrop` since the previous
 * epoch, the model gets the previous epoch's weights back and training stops. A `trainWithNoise`
 * callback (`callbacks: [guard]`); `guard.history` holds the checks, `guard.stoppedAt` the epoch
 * that triggered it (or null). Call `dispose()` when done (it holds one copy of the weights).
 */
export class CatastrophicOverfittingGuard {
  readonly history: GuardRecord[] = [];
  stoppedAt: number | null = null;
  private previous: Tensor[] | null = null;
  private readonly settings: { eps: number; steps: number; stepSize: number; maxDrop: number; seed: number };

  constructor(
    private readonly model: LayersModel,
    private readonly options: CatastrophicOverfittingGuardOptions,
  ) {
    if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
    const bounds = validateBounds(options.bounds, 'options.bounds');
    const { eps } = resolveStrength(options, bounds, 'options');
    const steps = options.steps ?? 10;
    if (!Number.isInteger(steps) || steps < 1) invalidArgument('options.steps', 'an integer >= 1', steps);
    const stepSize = options.stepSize ?? eps / 4;
    const maxDrop = options.maxDrop ?? 0.2;
    if (typeof maxDrop !== 'number' || !(maxDrop >= 0 && maxDrop <= 1)) {
      invalidArgument('options.maxDrop', 'a fraction in [0, 1]', maxDrop);
    }
    const { heldOut } = options;
    if (heldOut == null || !(heldOut.xs instanceof tf.Tensor)) {
      invalidArgument('options.heldOut', 'an object { xs, labels }', heldOut);
    }
    this.settings = { eps, steps, stepSize, maxDrop, seed: options.seed ?? 0 };
  }

  /** PGD accuracy of the current weights on the held-out minibatch. */
  async robustAccuracy(): Promise<number> {
    const classifier = classifierFromLayersModel(this.model, {
      bounds: this.options.bounds,
      outputs: this.options.outputs,
    });
    const { xs } = this.options.heldOut;
    const labels = await toLabelTensorAsync(
      this.options.heldOut.labels,
      xs.shape[0],
      classifier.numClasses,
      'options.heldOut.labels',
    );
    const { eps, steps, stepSize, seed } = this.settings;
    const adversarial =
      eps === 0
        ? xs
        : await pgdAsync(classifier, xs, { eps, steps, stepSize, labels, seed, randomStart: true });
    const correct = tf.tidy(() =>
      tf.sum(tf.cast(tf.equal(classifier.predict(adversarial), labels), 'int32')),
    );
    if (adversarial !== xs) adversarial.dispose();
    const value = (await correct.data())[0];
    tf.dispose([correct, labels]);
    return value / xs.shape[0];
  }

  async onEpochEnd(epoch: number): Promise<'stop' | undefined> {
    const robustAccuracy = await this.robustAccuracy();
    const last = this.history.at(-1);
    this.history.push({ epoch, robustAccuracy });
    if (
      last !== undefined &&
      this.previous !== null &&
      robustAccuracy < last.robustAccuracy - this.settings.maxDrop
    ) {
      this.model.setWeights(this.previous);
      this.stoppedAt = epoch;
      return 'stop';
    }
    this.dispose();
    this.previous = this.model.getWeights().map((w) => tf.clone(w));
    return undefined;
  }

  /** Frees the saved copy of the weights. */
  dispose(): void {
    if (this.previous !== null) tf.dispose(this.previous);
    this.previous = null;
  }
}

/** A `CatastrophicOverfittingGuard` for `model`. */
export function catastrophicOverfittingGuard(
  model: LayersModel,
  options: CatastrophicOverfittingGuardOptions,
): CatastrophicOverfittingGuard {
  return new CatastrophicOverfittingGuard(model, options);
}
