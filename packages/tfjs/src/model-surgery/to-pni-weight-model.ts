import { AnlError, invalidArgument } from '@anl/core';
import type { LayersModel, layers } from '@tensorflow/tfjs-layers';
import { checkPniSettings } from '../layers/pni-unit-noise';
import { PniConv2D, PniDense, type PniWeightArgs } from '../layers/pni-weight-layers';
import { compileSelector, type LayerSelector, nothingSelected } from './layer-selector';
import { checkBuiltModel } from './model-checks';
import { isInputLayer, rewriteModel } from './rewrite-model';

export interface ToPniWeightModelOptions extends PniWeightArgs {
  /** Which Conv2D / Dense layers get weight noise (default: every one). */
  layers?: LayerSelector;
}

type Config = Record<string, unknown>;

/** Settings PNI-W layers do not carry: refused rather than silently dropped. */
const UNSUPPORTED_KEYS = [
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'kernelConstraint',
  'biasConstraint',
];

function pniCopyOf(layer: layers.Layer, pni: PniWeightArgs, index: number): PniDense | PniConv2D {
  const config = layer.getConfig() as Config;
  for (const key of UNSUPPORTED_KEYS) {
    if (config[key] != null) {
      throw new AnlError('UNSUPPORTED', `layer ${layer.name} has a ${key}, which PNI-W layers do not carry`);
    }
  }
  const seed = pni.seed == null ? null : pni.seed + index;
  const common = {
    name: layer.name,
    activation: config.activation as never,
    useBias: config.useBias as boolean,
    trainable: layer.trainable,
    ...pni,
    seed,
  };
  if (layer.getClassName() === 'Dense') return new PniDense({ ...common, units: config.units as number });
  if (config.dataFormat !== 'channelsLast') {
    throw new AnlError(
      'UNSUPPORTED',
      `layer ${layer.name} is ${String(config.dataFormat)}: PNI-W needs channelsLast`,
    );
  }
  return new PniConv2D({
    ...common,
    filters: config.filters as number,
    kernelSize: config.kernelSize as [number, number],
    strides: config.strides as [number, number],
    padding: config.padding as 'valid' | 'same',
    dilationRate: config.dilationRate as [number, number],
  });
}

/**
 * A new model in which every selected `Conv2D` and `Dense` layer is a `PniConv2D` / `PniDense`
 * (PNI-W) holding a COPY of its kernel and bias, plus a fresh alpha (`alphaInit`); every other layer
 * is shared with `model`. With `seed`, layer k draws from seed + k. With alpha = 0 the new model
 * computes exactly what the old one did.
 */
export function toPniWeightModel(model: LayersModel, options: ToPniWeightModelOptions = {}): LayersModel {
  checkBuiltModel(model);
  if (options === null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { layers: selector, ...pni } = options;
  checkPniSettings(pni);
  const selects = selector === undefined ? () => true : compileSelector(selector, 'options.layers');
  const candidates = model.layers.filter(
    (l) => !isInputLayer(l) && (l.getClassName() === 'Conv2D' || l.getClassName() === 'Dense'),
  );
  const chosen = candidates.filter((l) => selects(l));
  if (chosen.length === 0) {
    throw nothingSelected(
      selector ?? ['Conv2D', 'Dense'],
      'options.layers',
      model.layers.map((l) => l.getClassName()),
    );
  }
  // Built (and checked) before the model is rewritten, so a refusal leaves nothing half-made.
  const copies = new Map(chosen.map((l, i) => [l, pniCopyOf(l, pni, i)] as const));
  const rebuilt = rewriteModel(model, {
    replace: (layer) => copies.get(layer) ?? layer,
    after: () => null,
    afterInput: () => null,
  });
  for (const [original, copy] of copies) {
    const alpha = copy.getWeights().at(-1)!;
    copy.setWeights([...original.getWeights(), alpha]);
  }
  return rebuilt;
}
