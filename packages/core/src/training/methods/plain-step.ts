import { applyWeightGradients, runPass } from '../pass';
import type { StepContext } from './method-runner';

/** The baseline step: one pass, weight gradients only, no noise, one optimizer update. */
export function plainStep<T>(ctx: StepContext<T>): T {
  const { model, batch } = ctx;
  const result = runPass(model, {
    x: batch.x,
    y: batch.y,
    batchSize: batch.batchSize,
    noise: () => null,
    weightGradients: true,
    noiseGradients: false,
    noiseIgnoresActivations: true,
  });
  try {
    applyWeightGradients(model, result);
  } catch (error) {
    ctx.ops.dispose(result.loss);
    throw error;
  }
  return result.loss;
}
