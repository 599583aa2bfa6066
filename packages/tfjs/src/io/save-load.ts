import { invalidArgument } from '@anl/core';
import { registerAnlLayers } from '@anl/tfjs';
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

/** Loads a model saved by `saveModel` (or tfjs-node's `file://`), noise layers included. */
export async function loadModel(dir: string, options?: io.LoadOptions): Promise<LayersModel> {
  registerAnlLayers();
  const handler = fileSystemHandler(dir);
  return loadLayersModel(handler, options);
}
