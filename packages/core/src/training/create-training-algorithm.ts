import type { Rng } from '../rng/rng';
import type { TensorOpsV1 } from '../tensor-ops';
import type { Batch, StepOutcome, StepSettings, TrainingAlgorithm } from './algorithm';
import { AnlRunner } from './methods/anl-runner';
import { AnpRunner } from './methods/anp-runner';
import { CanlRunner } from './methods/canl-runner';
import { GaussianRunner } from './methods/gaussian-runner';
import { LatRunner } from './methods/lat-runner';
import type { MethodRunner } from './methods/method-runner';
import { plainStep } from './methods/plain-step';
import { NoiseScale } from './noise-scale';
import { type ResolvedOptions, resolveOptions, type TrainingAlgorithmOptions } from './options';
import type { TrainableModelV1 } from './trainable-model';
import { validateStep } from './validate-step';

/**
 * A training method of SPEC.md written once against `TrainableModelV1`. Every step validates its
 * arguments first. With noise off (`settings.noise === false`), eps = 0 or a model without noise
 * points, every method takes the baseline step (one pass, no noise) and leaves its state alone.
 */
export function createTrainingAlgorithm<T>(
  ops: TensorOpsV1<T>,
  options: TrainingAlgorithmOptions,
): TrainingAlgorithm<T> {
  const resolved = resolveOptions(options);
  const runner = createRunner(ops, resolved);
  return {
    method: resolved.method,
    step(model: TrainableModelV1<T>, batch: Batch<T>, settings: StepSettings, rng: Rng): StepOutcome<T> {
      const labels = validateStep(resolved.method, resolved.numClasses, model, batch, settings, rng);
      const ctx = { ops, model, batch, settings, rng, labels };
      const noisy = runner !== null && settings.noise && settings.eps !== 0 && model.noisePoints.length > 0;
      return { loss: noisy ? runner.step(ctx) : plainStep(ctx) };
    },
    stateBytes: () => runner?.stateBytes() ?? 0,
    dispose: () => runner?.dispose(),
  };
}

function createRunner<T>(ops: TensorOpsV1<T>, options: ResolvedOptions): MethodRunner<T> | null {
  const scale = () => new NoiseScale(ops, options.std, options.runningMomentum);
  switch (options.method) {
    case 'none':
      return null;
    case 'anl':
      return new AnlRunner(scale());
    case 'canl':
      return new CanlRunner(ops, scale(), options.numClasses as number);
    case 'lat':
      return new LatRunner(ops);
    case 'gaussian':
      return new GaussianRunner(scale(), options.gaussianScaleByStd);
    case 'anp':
      return new AnpRunner(options.anpAlpha, options.anpPasses);
  }
}
