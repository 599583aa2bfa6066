import { AnlError, describeValue, invalidArgument } from '../errors';
import { validateLabels } from '../noise/validate-labels';
import type { Rng } from '../rng/rng';
import { assertFinite, assertInteger } from '../shape';
import type { Batch, StepSettings } from './algorithm';
import { requireLossPass } from './loss-pass';
import type { NoiseMethodDefinition } from './methods/method-definition';
import type { TrainableModelV1 } from './trainable-model';

/**
 * Checks everything a step receives before anything runs, so a refused step changes nothing.
 * Returns the labels as an Int32Array when the batch has them.
 */
export function validateStep<T>(
  method: NoiseMethodDefinition<object>,
  numClasses: number | undefined,
  model: TrainableModelV1<T>,
  batch: Batch<T>,
  settings: StepSettings,
  rng: Rng,
  /** A data-parallel replica may hold no rows of a batch smaller than the replicas (see `BatchShard`). */
  emptyAllowed = false,
): Int32Array | undefined {
  if (typeof model !== 'object' || model === null || model.specificationVersion !== 'v1') {
    invalidArgument('model', "a TrainableModelV1 (specificationVersion 'v1')", model);
  }
  if (!Array.isArray(model.noisePoints)) invalidArgument('model.noisePoints', 'an array', model.noisePoints);
  if (typeof batch !== 'object' || batch === null)
    invalidArgument('batch', 'an object { x, y, batchSize }', batch);
  assertInteger(batch.batchSize, 'batch.batchSize', emptyAllowed ? 0 : 1);
  if (typeof settings !== 'object' || settings === null)
    invalidArgument('settings', 'an object { eps, noise }', settings);
  assertFinite(settings.eps, 'settings.eps');
  if (typeof settings.noise !== 'boolean') invalidArgument('settings.noise', 'a boolean', settings.noise);
  if (method.perturbs === 'inputs' && settings.eps < 0) {
    invalidArgument(
      'settings.eps',
      `a radius >= 0 for method '${method.name}' (eps is an L∞ input radius)`,
      settings.eps,
    );
  }
  if (method.needsLossPass) requireLossPass(model, method.name);
  if (settings.anpAlpha !== undefined) assertFinite(settings.anpAlpha, 'settings.anpAlpha');
  if (settings.anpPasses !== undefined) assertInteger(settings.anpPasses, 'settings.anpPasses', 1);
  if (typeof rng !== 'object' || rng === null || typeof rng.nextUint32 !== 'function') {
    invalidArgument('rng', 'an Rng (createRng(seed))', rng);
  }
  if (batch.labels === undefined) {
    if (method.needsLabels) {
      throw new AnlError(
        'INVALID_LABELS',
        `batch.labels must be an Int32Array of class labels for method '${method.name}', got ${describeValue(undefined)}`,
        {
          argument: 'batch.labels',
        },
      );
    }
    return undefined;
  }
  if (numClasses === undefined) {
    // Without numClasses only the form can be checked (non-negative integers of the right length).
    return validateLabels(batch.labels, 2 ** 31 - 1, 'batch.labels', batch.batchSize);
  }
  return validateLabels(batch.labels, numClasses, 'batch.labels', batch.batchSize);
}
