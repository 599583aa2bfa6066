import { invalidArgument } from '@anl/core';
import { LayersModel, type layers } from '@tensorflow/tfjs-layers';
import { NoiseLayer } from './noise-layer';

/** True for an anl `NoiseLayer` (also one from another copy of this package, by its class name). */
export function isNoiseLayer(layer: unknown): layer is NoiseLayer {
  if (layer instanceof NoiseLayer) return true;
  const named = layer as { getClassName?: () => string } | null;
  return typeof named?.getClassName === 'function' && named.getClassName() === NoiseLayer.className;
}

/**
 * The model's noise layers in forward (topological) order, looking inside nested models.
 * tfjs keeps `model.layers` sorted from inputs to outputs, so this order is the order of a forward pass.
 */
export function findNoiseLayers(model: LayersModel): NoiseLayer[] {
  if (!(model instanceof LayersModel)) invalidArgument('model', 'a tf.LayersModel', model);
  const found: NoiseLayer[] = [];
  const visit = (list: layers.Layer[]) => {
    for (const layer of list) {
      if (isNoiseLayer(layer)) found.push(layer);
      else if (layer instanceof LayersModel) visit(layer.layers);
    }
  };
  visit(model.layers);
  return found;
}
