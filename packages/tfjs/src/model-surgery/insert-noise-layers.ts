import { invalidArgument } from '@anl/core';
import type { LayersModel, layers } from '@tensorflow/tfjs-layers';
import { isNoiseLayer } from '../layers/find-noise-layers';
import { NoiseLayer, type NoiseLayerArgs } from '../layers/noise-layer';
import { compileSelector, type LayerSelector, nothingSelected } from './layer-selector';
import { checkBuiltModel } from './model-checks';
import { isInputLayer, rewriteModel } from './rewrite-model';
import {
  activationLayer,
  checkSplittable,
  fusedActivationOf,
  linearCopySharingWeights,
} from './split-fused-activation';

/** Where the noise goes for a selected layer with a fused (non-linear) activation. */
export type FusedActivationMode = 'split' | 'after';

export interface InsertNoiseLayersOptions {
  /**
   * A noise layer goes after every layer this selects: a class name (`'BatchNormalization'`,
   * `'Conv2D'`), a list of class names, or a predicate. May be left out only with `input: true`.
   */
  after?: LayerSelector;
  /** Also put a noise layer on every model input (the paper's FGSM experiment). Default false. */
  input?: boolean;
  /** `method` and standalone `stddev` for every inserted layer (see `NoiseLayerArgs`). */
  method?: NoiseLayerArgs['method'];
  stddev?: number;
  /**
   * For a selected layer with a fused non-linear activation (`conv2d({ activation: 'relu' })`):
   * `'split'` (default, the paper's placement) computes the layer without its activation, then the
   * noise, then a separate Activation layer (`${layer.name}/activation`); `'after'` puts the noise
   * after the layer's output, i.e. after its activation.
   */
  fusedActivation?: FusedActivationMode;
}

/**
 * A new model with a `NoiseLayer` after every selected layer, named `${layer.name}/anl_noise`
 * (`${input}/anl_noise` on inputs). The new model calls the SAME layer objects as `model`, so the
 * two share weights: predictions are identical before training, nothing is copied, and training one
 * trains the other. Use `stripNoiseLayers` afterwards for an independent clean model to ship.
 * Nested models count as one layer (their class name is `Sequential` or `Functional`/`Model`).
 *
 * With `fusedActivation: 'split'` (the default) a selected layer with a fused non-linear activation
 * is replaced by a linear copy that uses the same tf.Variables (still shared, nothing copied),
 * followed by the noise layer and an Activation layer carrying the original activation.
 */
export function insertNoiseLayers(model: LayersModel, options: InsertNoiseLayersOptions): LayersModel {
  checkBuiltModel(model);
  if (options === null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { after, input = false } = options;
  if (typeof input !== 'boolean') invalidArgument('options.input', 'a boolean', input);
  const { fusedActivation = 'split' } = options;
  if (fusedActivation !== 'split' && fusedActivation !== 'after') {
    invalidArgument('options.fusedActivation', "'split' or 'after'", fusedActivation);
  }
  if (after === undefined && !input) {
    invalidArgument('options.after', 'a layer selector (or options.input: true)', after);
  }
  // Validate the noise config once, before anything is built.
  new NoiseLayer({ method: options.method, stddev: options.stddev, name: 'anl_noise_check' });

  const selects = after === undefined ? () => false : compileSelector(after, 'options.after');
  const candidates = model.layers.filter((l) => !isInputLayer(l) && !isNoiseLayer(l));
  const chosen = new Set(candidates.filter((l) => selects(l)));
  if (after !== undefined && chosen.size === 0) {
    throw nothingSelected(
      after,
      'options.after',
      candidates.map((l) => l.getClassName()),
    );
  }

  // Layers whose activation moves after the noise: all checked before anything is built.
  const split = new Map<layers.Layer, string>();
  if (fusedActivation === 'split') {
    for (const layer of chosen) {
      const activation = fusedActivationOf(layer);
      if (activation === null) continue;
      checkSplittable(layer, 'options.after');
      split.set(layer, activation);
    }
  }

  const taken = new Set(model.layers.map((l) => l.name));
  const freshName = (base: string) => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const makeNoise = (base: string) =>
    new NoiseLayer({ method: options.method, stddev: options.stddev, name: freshName(`${base}/anl_noise`) });

  const copies = new Map<layers.Layer, ReturnType<typeof linearCopySharingWeights>>();
  const rewritten = rewriteModel(model, {
    replace: (layer: layers.Layer) => {
      if (!split.has(layer)) return layer;
      let linear = copies.get(layer);
      if (!linear) {
        // One copy per layer, so a layer called twice stays one set of weights.
        linear = linearCopySharingWeights(layer);
        copies.set(layer, linear);
      }
      return linear.copy;
    },
    after: (layer: layers.Layer) => {
      if (!chosen.has(layer)) return null;
      const noise = makeNoise(layer.name);
      const activation = split.get(layer);
      if (activation === undefined) return noise;
      return [noise, activationLayer(activation, freshName(`${layer.name}/activation`))];
    },
    afterInput: (i: number) => (input ? makeNoise(model.inputs[i].sourceLayer.name) : null),
  });
  for (const linear of copies.values()) linear.finish();
  return rewritten;
}
