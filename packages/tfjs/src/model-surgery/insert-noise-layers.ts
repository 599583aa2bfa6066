import { invalidArgument } from '@anl/core';
import type { LayersModel, layers } from '@tensorflow/tfjs-layers';
import { isNoiseLayer } from '../layers/find-noise-layers';
import { NoiseLayer, type NoiseLayerArgs } from '../layers/noise-layer';
import { compileSelector, type LayerSelector, nothingSelected } from './layer-selector';
import { checkBuiltModel } from './model-checks';
import { isInputLayer, rewriteModel } from './rewrite-model';

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
}

/**
 * A new model with a `NoiseLayer` after every selected layer, named `${layer.name}/anl_noise`
 * (`${input}/anl_noise` on inputs). The new model calls the SAME layer objects as `model`, so the
 * two share weights: predictions are identical before training, nothing is copied, and training one
 * trains the other. Use `stripNoiseLayers` afterwards for an independent clean model to ship.
 * Nested models count as one layer (their class name is `Sequential` or `Functional`/`Model`).
 */
export function insertNoiseLayers(model: LayersModel, options: InsertNoiseLayersOptions): LayersModel {
  checkBuiltModel(model);
  if (options === null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { after, input = false } = options;
  if (typeof input !== 'boolean') invalidArgument('options.input', 'a boolean', input);
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

  const taken = new Set(model.layers.map((l) => l.name));
  const makeNoise = (base: string) => {
    let name = `${base}/anl_noise`;
    for (let k = 1; taken.has(name); k++) name = `${base}/anl_noise_${k}`;
    taken.add(name);
    return new NoiseLayer({ method: options.method, stddev: options.stddev, name });
  };

  return rewriteModel(model, {
    replace: (layer: layers.Layer) => layer,
    after: (layer: layers.Layer) => (chosen.has(layer) ? makeNoise(layer.name) : null),
    afterInput: (i: number) => (input ? makeNoise(model.inputs[i].sourceLayer.name) : null),
  });
}
