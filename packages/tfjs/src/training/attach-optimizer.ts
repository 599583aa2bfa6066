import type { Optimizer } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LossSpec } from './losses';

// Loss names tfjs-layers' `compile` knows, so a saved training config loads back.
const TFJS_LOSS_NAMES = new Set([
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'meanSquaredError',
]);

/**
 * Leaves the model holding the optimizer it trains with, as `model.fit` does: then
 * `model.save(handler, { includeOptimizer: true })` writes the optimizer's weights (Adam's moments,
 * the iteration count) and `loadModel` + `trainWithNoise` without an optimizer resumes exactly. An
 * uncompiled model is compiled with the loss when tfjs knows its name (tfjs saves only named losses).
 */
export function attachOptimizer(model: LayersModel, optimizer: Optimizer, loss: LossSpec | undefined): void {
  const compiledLoss = (model as { loss?: unknown }).loss;
  const name = loss ?? 'categoricalCrossentropy';
  if (compiledLoss == null && typeof name === 'string' && TFJS_LOSS_NAMES.has(name)) {
    model.compile({ optimizer, loss: name });
  } else if (model.optimizer !== optimizer) {
    model.optimizer = optimizer;
  }
}
