import { type LayersModel, Sequential } from '@tensorflow/tfjs-layers';

/**
 * Makes `model.stopTraining` usable before training starts. A Sequential model forwards the flag to
 * an inner model it only creates on first use (or `compile`), and throws until then; build it now,
 * exactly as its first call would, so callbacks such as `tf.callbacks.earlyStopping` can set it.
 */
export function resetStopTraining(model: LayersModel): void {
  if (model instanceof Sequential && (model as unknown as { model?: unknown }).model == null) model.build();
  model.stopTraining = false;
}
