import { serialization } from '@tensorflow/tfjs-core';
import { NoiseLayer } from './noise-layer';
import { ParametricNoiseLayer } from './parametric-noise-layer';
import { PniConv2D, PniDense } from './pni-weight-layers';

let registered = false;

/**
 * Registers the anl layers with tfjs's serialization map so `loadLayersModel` and
 * `tf.models.modelFromJSON` can rebuild them (tfjs cannot be given custom objects when loading).
 * Idempotent; the package entry calls it on import.
 */
export function registerAnlLayers(): void {
  if (registered) return;
  serialization.registerClass(NoiseLayer, 'anl', 'Noise');
  serialization.registerClass(ParametricNoiseLayer, 'anl', 'ParametricNoise');
  serialization.registerClass(PniDense, 'anl', 'PniDense');
  serialization.registerClass(PniConv2D, 'anl', 'PniConv2D');
  registered = true;
}
