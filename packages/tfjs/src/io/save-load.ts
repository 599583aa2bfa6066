import { AnlError, invalidArgument } from '@anl/core';
import { recomputeAdamBetaPowers, registerAnlLayers } from '@anl/tfjs';
import type { io } from '@tensorflow/tfjs-core';
import { LayersModel, loadLayersModel } from '@tensorflow/tfjs-layers';
import { fileSystemHandler } from './file-system-handler';

/** Saves `model` to `dir/model.json` + `dir/weights.bin` (created if missing; files replaced). */
export async function saveModel(
  model: LayersModel,
  dir: string,
  config?: io.SaveConfig,
): Promise<io.SaveResult> {
  if (!(model instanceof LayersModel)) invalidArgument('model', 'a tf.LayersModel', model);
  const handler = fileSystemHandler(dir);
  return model.save(handler, config);
}

/**
 * Loads a model saved by `saveModel` (or tfjs-node's `file://`), noise layers included. A model
 * saved with `includeOptimizer: true` comes back compiled with its optimizer's state, so training it
 * further (trainWithNoise without an optimizer option) continues the saved run exactly.
 */
export async function loadModel(dir: string, options?: io.LoadOptions): Promise<LayersModel> {
  registerAnlLayers();
  const handler = fileSystemHandler(dir);
  let model: LayersModel;
  try {
    model = await loadLayersModel(handler, options);
  } catch (cause) {
    throw unknownClassError(cause, dir) ?? cause;
  }
  recomputeAdamBetaPowers(model.optimizer);
  return model;
}

/** tfjs's untyped `ValueError: Unknown layer: X` as a typed AnlError saying what to register. */
function unknownClassError(cause: unknown, dir: string): AnlError | null {
  const match = cause instanceof Error ? /^Unknown (\w+): ([^.\s]+)\./.exec(cause.message) : null;
  if (match === null) return null;
  const [, kind, className] = match;
  return new AnlError(
    'DATA_FORMAT',
    `dir: the model in ${dir} uses ${kind} class "${className}", which is not registered; import the package that defines it (e.g. @anl/models for its layers) or register it with tf.serialization.registerClass before loading`,
    { argument: 'dir', cause },
  );
}
