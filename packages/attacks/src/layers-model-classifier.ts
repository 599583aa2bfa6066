import { AnlError, invalidArgument } from '@anl/core';
import type { Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Bounds, validateBounds } from './bounds';
import type { Classifier } from './classifier';

/** Per-sample loss from int32 labels [B] and logits [B, C]; returns [B] (summed by the classifier). */
export type PerSampleLoss = (labels: Tensor1D, logits: Tensor2D) => Tensor;

export interface LayersModelClassifierOptions {
  /** The model's valid input range, e.g. [0, 1]. Required: never guessed from data. */
  bounds: Bounds;
  /**
   * What the model's last layer outputs. 'auto' (default): 'probabilities' when the last layer's
   * activation is softmax, else 'logits'. Probabilities are turned into log-probabilities (valid logits).
   */
  outputs?: 'auto' | 'logits' | 'probabilities';
  /** Loss whose input gradient the attacks follow; default softmax cross-entropy on the logits. */
  loss?: PerSampleLoss;
  /**
   * Run the model in training mode inside the classifier (default false: noise layers and dropout are
   * the identity). Set true for models whose noise must stay on under attack (PNI).
   */
  training?: boolean;
}

/** Softmax cross-entropy per sample from int32 labels and logits. */
export const softmaxCrossEntropy: PerSampleLoss = (labels, logits) => {
  const logp = tf.logSoftmax(logits);
  const oneHot = tf.oneHot(labels, logits.shape[1]);
  return tf.neg(tf.sum(tf.mul(oneHot, logp), 1));
};

function lastActivation(model: LayersModel): string | undefined {
  const last = model.layers[model.layers.length - 1];
  if (last === undefined) return undefined;
  const activation = (last.getConfig() as { activation?: unknown }).activation;
  return typeof activation === 'string' ? activation : undefined;
}

/** A Classifier over a tfjs LayersModel; the input gradient comes from tf.grad through model.apply. */
export function classifierFromLayersModel(
  model: LayersModel,
  options: LayersModelClassifierOptions,
): Classifier {
  if (!(model instanceof tfl.LayersModel)) invalidArgument('model', 'a tfjs LayersModel', model);
  if (options == null || typeof options !== 'object')
    invalidArgument('options', 'an object with bounds', options);
  const bounds = validateBounds(options.bounds, 'options.bounds');
  const outputsSetting = options.outputs ?? 'auto';
  if (!['auto', 'logits', 'probabilities'].includes(outputsSetting)) {
    invalidArgument('options.outputs', "'auto', 'logits' or 'probabilities'", outputsSetting);
  }
  const probabilities =
    outputsSetting === 'probabilities' || (outputsSetting === 'auto' && lastActivation(model) === 'softmax');
  if (model.outputs.length !== 1 || model.outputs[0].shape.length !== 2) {
    throw new AnlError(
      'UNSUPPORTED',
      'model must have one output of shape [B, numClasses] to be attacked as a classifier',
      { argument: 'model' },
    );
  }
  const numClasses = model.outputs[0].shape[1];
  if (numClasses == null || numClasses < 2) {
    invalidArgument('model output', 'a known number of classes >= 2', numClasses);
  }
  const loss = options.loss ?? softmaxCrossEntropy;
  const training = options.training ?? false;
  const subModels = new Map<string, LayersModel>();

  const logits = (x: Tensor): Tensor2D =>
    tf.tidy(() => {
      const out = model.apply(x, { training }) as Tensor2D;
      // log of probabilities = logits up to a per-sample constant; the floor keeps -Infinity out.
      return probabilities ? (tf.log(tf.maximum(out, 1e-30)) as Tensor2D) : out;
    });

  return {
    bounds,
    numClasses,
    logits,
    lossGradient(x: Tensor, labels: Tensor1D): Tensor {
      return tf.tidy(() => {
        const f = (input: Tensor): Scalar => tf.sum(loss(labels, logits(input)));
        return tf.grad(f)(x);
      });
    },
    predict(x: Tensor): Tensor1D {
      return tf.tidy(() => tf.argMax(logits(x), 1) as Tensor1D);
    },
    activations(x: Tensor, layerName: string): Tensor {
      let sub = subModels.get(layerName);
      if (sub === undefined) {
        let layer: tfl.layers.Layer;
        try {
          layer = model.getLayer(layerName);
        } catch (cause) {
          throw new AnlError('NOT_FOUND', `layerName must name a layer of the model, got "${layerName}"`, {
            argument: 'layerName',
            cause,
          });
        }
        sub = tfl.model({ inputs: model.inputs, outputs: layer.output as tfl.SymbolicTensor });
        subModels.set(layerName, sub);
      }
      const m = sub;
      return tf.tidy(() => m.apply(x, { training }) as Tensor);
    },
  };
}
