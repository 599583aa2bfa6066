import { serialization } from '@tensorflow/tfjs-core';
import { ShortcutPad } from './shortcut-pad';
import { WeightMap } from './weight-map-layer';

/**
 * Registers this package's custom layers (WeightMap, ShortcutPad) so `tf.loadLayersModel` can
 * rebuild saved models. Their modules already do this on import; call it to be explicit, e.g.
 * before loading a model in a program that imports no builder. Idempotent.
 */
export function registerModelLayers(): void {
  serialization.registerClass(WeightMap);
  serialization.registerClass(ShortcutPad);
}
