import { LayersModel, type layers } from '@tensorflow/tfjs-layers';
import { isNoiseLayer } from '../layers/find-noise-layers';
import { cloneLayer } from './clone-layer';
import { checkBuiltModel } from './model-checks';
import { rewriteModel } from './rewrite-model';

/**
 * A clean copy of `model` without its `NoiseLayer`s (also inside nested models), for shipping. Noise
 * layers are the identity at inference, so its predictions equal the noisy model's. The copy has its
 * own weights (copied values): disposing or training either model leaves the other as it is.
 */
export function stripNoiseLayers(model: LayersModel): LayersModel {
  checkBuiltModel(model);
  const copies = new Map<layers.Layer, layers.Layer>();
  const stripped = rewriteModel(model, {
    replace: (layer) => {
      if (isNoiseLayer(layer)) return null;
      let copy = copies.get(layer);
      if (!copy) {
        // One copy per layer, so a layer shared between branches stays shared in the copy.
        copy = layer instanceof LayersModel ? stripNoiseLayers(layer) : cloneLayer(layer);
        copies.set(layer, copy);
      }
      return copy;
    },
    after: () => null,
    afterInput: () => null,
  });
  for (const [original, copy] of copies) {
    if (!(original instanceof LayersModel)) copy.setWeights(original.getWeights());
  }
  return stripped;
}
