// The two networks the page offers, with their noise layers where the method wants them. Every
// network here is a chain (each layer feeds the next), which lets the page read any layer's
// activations by running the layers one after another (see chainActivations).
import type { NoiseMethod } from '@anl/core';
import { lenet5 } from '@anl/models';
import { insertNoiseLayers, isNoiseLayer, parametricNoiseLayer } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { MethodName, ModelName } from './settings';

export interface Network {
  model: tf.LayersModel;
  /** The layers whose output the noise perturbs (the noise layers' inputs), in forward order. */
  noiseSites: { name: string; layer: tf.layers.Layer }[];
  /** The first weighted layer: its output (conv) or its weights (dense) are drawn as features. */
  firstLayer: tf.layers.Layer;
}

/** LeNet-5 (the ANL paper's) or a 784-128-64-10 MLP, initialised from `seed` (same seed, same weights). */
export function buildNetwork(name: ModelName, method: MethodName, seed: number): Network {
  const layerMethod: NoiseMethod = method === 'pni' ? 'anl' : method;
  let model = name === 'lenet5' ? lenet5({ seed, noise: { method: layerMethod } }) : mlp(seed, layerMethod);
  // PNI keeps its noise in the model (a trainable alpha per layer) instead of the trainer's noise layers.
  if (method === 'pni') {
    const withNoiseLayers = model;
    model = replaceNoiseLayers(model, (n) => parametricNoiseLayer({ name: `${n}/pni` }));
    // The new model shares the weighted layers; disposing the old one only drops its references.
    withNoiseLayers.dispose();
  }
  const layers = chainLayers(model);
  const noiseSites = layers.flatMap((layer, i) =>
    i > 0 && isNoisy(layer) ? [{ name: layers[i - 1].name, layer: layers[i - 1] }] : [],
  );
  const firstLayer = layers.find((l) => l.getWeights().length > 0);
  if (firstLayer === undefined) throw new Error(`${model.name} has no weighted layer`);
  return { model, noiseSites, firstLayer };
}

/** Outputs of the asked-for layers for `x` in inference mode (the caller disposes them). */
export function chainActivations(
  model: tf.LayersModel,
  x: tf.Tensor,
  wanted: readonly tf.layers.Layer[],
): tf.Tensor[] {
  return tf.tidy(() => {
    const found = new Map<tf.layers.Layer, tf.Tensor>();
    let h = x;
    for (const layer of chainLayers(model)) {
      if (found.size === wanted.length) break;
      h = layer.apply(h, { training: false }) as tf.Tensor;
      if (wanted.includes(layer)) found.set(layer, h);
    }
    return wanted.map((layer) => {
      const out = found.get(layer);
      if (out === undefined) throw new Error(`layer ${layer.name} is not in ${model.name}`);
      return out;
    });
  });
}

function isNoisy(layer: tf.layers.Layer): boolean {
  return isNoiseLayer(layer) || layer.getClassName() === 'anl>ParametricNoise';
}

function mlp(seed: number, method: NoiseMethod): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 10007 + k });
  const base = tf.sequential({
    name: 'mlp',
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1], name: 'flatten' }),
      tf.layers.dense({ units: 128, name: 'fc1', kernelInitializer: init(1) }),
      tf.layers.reLU({ name: 'relu1' }),
      tf.layers.dense({ units: 64, name: 'fc2', kernelInitializer: init(2) }),
      tf.layers.reLU({ name: 'relu2' }),
      tf.layers.dense({ units: 10, name: 'logits', activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  // The same placement as LeNet-5's: after each hidden weighted layer, before its ReLU.
  const withNoise = insertNoiseLayers(base, { after: (l) => l.name === 'fc1' || l.name === 'fc2', method });
  // The new model shares the dense layers; disposing the plain one only drops its references.
  base.dispose();
  return withNoise;
}

/** A new chain model with each noise layer swapped for `make(name of the layer before it)`. */
function replaceNoiseLayers(
  model: tf.LayersModel,
  make: (before: string) => tf.layers.Layer,
): tf.LayersModel {
  const layers = chainLayers(model);
  const input = tf.input({ shape: model.inputs[0].shape.slice(1) as number[] });
  let x: tf.SymbolicTensor = input;
  let previous = 'input';
  for (const layer of layers) {
    x = (isNoiseLayer(layer) ? make(previous) : layer).apply(x) as tf.SymbolicTensor;
    previous = layer.name;
  }
  return tf.model({ inputs: input, outputs: x, name: `${model.name}_pni` });
}

/** The model's layers in forward order without its input layer (a chain by construction here). */
function chainLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || layers.length === 0) {
    throw new Error(`${model.name} is not a single-input, single-output model`);
  }
  return layers;
}
