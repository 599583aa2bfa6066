import { AnlError } from '@anl/core';
import { layers } from '@tensorflow/tfjs-layers';
import { cloneLayer } from './clone-layer';

/**
 * Layer classes whose output is `activation(linear(x))`, with the activation applied last, so the
 * same layer with `activation: 'linear'` followed by an Activation layer computes the same thing.
 * Recurrent layers also take an `activation`, but apply it inside every step: they are not here.
 */
const SPLITTABLE_CLASSES = new Set([
  'Dense',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
]);

/**
 * The layer's fused activation name when it is not the identity ('linear'), else null. An
 * Activation layer IS its activation (nothing fused): null.
 */
export function fusedActivationOf(layer: layers.Layer): string | null {
  if (layer.getClassName() === 'Activation') return null;
  const config = layer.getConfig() as { activation?: unknown };
  const activation = config.activation;
  if (typeof activation !== 'string' || activation === 'linear') return null;
  return activation;
}

/** UNSUPPORTED for a selected layer whose activation cannot be moved out of it. */
export function checkSplittable(layer: layers.Layer, argument: string): void {
  if (SPLITTABLE_CLASSES.has(layer.getClassName())) return;
  throw new AnlError(
    'UNSUPPORTED',
    `${argument}: layer ${layer.name} (${layer.getClassName()}) has activation '${fusedActivationOf(layer)}', ` +
      `which cannot be split off (only ${[...SPLITTABLE_CLASSES].join(', ')}); ` +
      "pass fusedActivation: 'after' to put the noise after its output",
    { argument },
  );
}

/** The tfjs-layers internals a weight-sharing copy needs (protected in the typings). */
interface LayerInternals {
  _trainableWeights: unknown[];
  _nonTrainableWeights: unknown[];
  _addedWeightNames: string[];
  addLoss(loss: () => unknown): void;
  disposeWeights(): number;
}

interface SharedWeight {
  originalName: string;
  shape: number[];
  dtype: string;
  read(): unknown;
}

interface Regularizer {
  apply(x: unknown): unknown;
}

/**
 * A copy of `layer` with `activation: 'linear'` that uses the SAME tf.Variables as `layer` (no new
 * weights are allocated): while the copy builds, each weight it asks for is `layer`'s weight with
 * that name, in creation order. The variables stay `layer`'s: disposing the copy frees nothing
 * (disposing `layer` frees them). Call `finish()` after the copy has been called once (built): it
 * checks that every weight of `layer` was taken.
 */
export function linearCopySharingWeights(layer: layers.Layer): {
  copy: layers.Layer;
  finish(): void;
} {
  const original = layer as unknown as LayerInternals;
  const config = { ...layer.getConfig(), activation: 'linear' };
  const copy = cloneLayer(layer, config);
  const internals = copy as unknown as LayerInternals;
  const pending = {
    trainable: [...original._trainableWeights] as SharedWeight[],
    nonTrainable: [...original._nonTrainableWeights] as SharedWeight[],
  };

  const addWeight = (
    name: string,
    shape: number[],
    dtype?: string,
    _initializer?: unknown,
    regularizer?: Regularizer,
    trainable?: boolean,
  ): SharedWeight => {
    const list = trainable === false ? pending.nonTrainable : pending.trainable;
    const weight = list.shift();
    const shapeText = JSON.stringify(shape);
    if (
      weight === undefined ||
      !(weight.originalName === name || weight.originalName.endsWith(`/${name}`)) ||
      JSON.stringify(weight.shape) !== shapeText ||
      weight.dtype !== (dtype ?? 'float32')
    ) {
      throw new AnlError(
        'UNSUPPORTED',
        `cannot share the weights of layer ${layer.name}: its linear copy asks for weight ${name} ${shapeText}, ` +
          `the layer has ${weight ? `${weight.originalName} ${JSON.stringify(weight.shape)}` : 'no more weights'}`,
        { argument: 'model' },
      );
    }
    internals._addedWeightNames.push(name);
    if (regularizer != null) internals.addLoss(() => regularizer.apply(weight.read()));
    (trainable === false ? internals._nonTrainableWeights : internals._trainableWeights).push(weight);
    return weight;
  };
  Object.defineProperty(copy, 'addWeight', { value: addWeight, configurable: true, writable: true });
  // The variables belong to `layer`: the copy never disposes them.
  Object.defineProperty(copy, 'disposeWeights', { value: () => 0, configurable: true, writable: true });

  return {
    copy,
    finish() {
      delete (copy as unknown as { addWeight?: unknown }).addWeight;
      const left = pending.trainable.length + pending.nonTrainable.length;
      if (!copy.built || left > 0) {
        throw new AnlError(
          'UNSUPPORTED',
          `the linear copy of layer ${layer.name} did not take all of its weights (${left} left)`,
          { argument: 'model' },
        );
      }
    },
  };
}

/** The Activation layer that applies `activation` after the noise. */
export function activationLayer(activation: string, name: string): layers.Layer {
  return layers.activation({ activation: activation as 'relu', name });
}
