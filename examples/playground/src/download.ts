// Saves the trained model as tfjs files (model.json + weights.bin) through the browser's downloads
// (tfjs's 'downloads://' save router; tfjs 4 no longer exports io.browserDownloads itself).
import { stripNoiseLayers } from '@anl/tfjs';
import type * as tf from '@tensorflow/tfjs';
import type { MethodName } from './settings';

/**
 * The trainer's noise layers are the identity at inference, so they are stripped first: the files
 * load with plain `tf.loadLayersModel`. PNI's layers are part of that model (noise on at inference)
 * and stay; loading it needs `import '@anl/tfjs'` (which registers the layer class).
 */
export async function downloadModel(model: tf.LayersModel, method: MethodName, name: string): Promise<void> {
  const shipped = method === 'pni' ? model : stripNoiseLayers(model);
  try {
    await shipped.save(`downloads://${name}`);
  } finally {
    if (shipped !== model) shipped.dispose();
  }
}
