import { AnlError, invalidArgument } from '@anl/core';
import { backendReadsSync, tfjsOps } from '@anl/tfjs';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Bounds, validateBounds } from '../bounds';
import type { AttackClassifier, ClassifierGradient, OutputGradient } from './attack-classifier';

export interface TfjsAttackClassifierOptions {
  /** The model's valid input range, e.g. [0, 1]. Required: never guessed from data. */
  bounds: Bounds;
  /**
   * What the last layer outputs. 'auto' (default): 'probabilities' when its activation is softmax.
   * Probabilities are turned into log-probabilities (valid logits).
   */
  outputs?: 'auto' | 'logits' | 'probabilities';
}

/** True when a layer keeps drawing noise at inference (PNI's `activeAtInference`). */
function noisyAtInference(layer: tfl.layers.Layer): boolean {
  return (layer as { activeAtInference?: unknown }).activeAtInference === true;
}

function lastActivation(model: LayersModel): string | undefined {
  const last = model.layers[model.layers.length - 1];
  const activation = (last?.getConfig() as { activation?: unknown } | undefined)?.activation;
  return typeof activation === 'string' ? activation : undefined;
}

/**
 * The `AttackClassifier` of a tfjs LayersModel. The model runs in inference mode, so each layer
 * decides for itself: anl noise layers and dropout are the identity, PNI layers keep their noise
 * (then `stochastic` is true). Gradients come from one `tf.grad` through that same forward pass.
 * `logitsAsync`/`gradientAsync` read with `await tensor.data()`, for backends without synchronous
 * reads (webgpu in Node; `readsSync()` is false there and attacks' `run` takes them). A tape cannot
 * wait for a read, so `gradientAsync` runs the forward pass twice: once for the logits the weight is
 * made from, once under `tf.grad`; for a stochastic model these are two noise draws.
 */
export function tfjsAttackClassifier(
  model: LayersModel,
  options: TfjsAttackClassifierOptions,
): AttackClassifier<Tensor> {
  if (!(model instanceof tfl.LayersModel)) invalidArgument('model', 'a tfjs LayersModel', model);
  if (options == null || typeof options !== 'object')
    invalidArgument('options', 'an object with bounds', options);
  const bounds = validateBounds(options.bounds, 'options.bounds');
  const setting = options.outputs ?? 'auto';
  if (!['auto', 'logits', 'probabilities'].includes(setting)) {
    invalidArgument('options.outputs', "'auto', 'logits' or 'probabilities'", setting);
  }
  const probabilities =
    setting === 'probabilities' || (setting === 'auto' && lastActivation(model) === 'softmax');
  const numClasses = model.outputs[0]?.shape[1];
  if (
    model.outputs.length !== 1 ||
    model.outputs[0].shape.length !== 2 ||
    numClasses == null ||
    numClasses < 2
  ) {
    throw new AnlError('UNSUPPORTED', 'model must have one output of shape [B, numClasses >= 2]', {
      argument: 'model',
    });
  }
  const forward = (x: Tensor): Tensor2D => {
    const out = model.apply(x, { training: false }) as Tensor2D;
    // log of probabilities = logits up to a per-sample constant; the floor keeps -Infinity out.
    return probabilities ? (tf.log(tf.maximum(out, 1e-30)) as Tensor2D) : out;
  };
  const logitsAsync = async (x: Tensor): Promise<Float32Array> => {
    const z = tf.tidy(() => forward(x));
    try {
      return Float32Array.from((await z.data()) as Float32Array);
    } finally {
      z.dispose();
    }
  };
  return {
    ops: tfjsOps,
    bounds,
    numClasses,
    stochastic: model.layers.some(noisyAtInference),
    logits(x: Tensor): Float32Array {
      const z = tf.tidy(() => forward(x));
      const values = z.dataSync() as Float32Array;
      z.dispose();
      return Float32Array.from(values);
    },
    gradient(x: Tensor, outputGradient: OutputGradient): ClassifierGradient<Tensor> {
      let logits = new Float32Array(0);
      const gradient = tf.tidy(() =>
        tf.grad((input: Tensor) => {
          const z = forward(input);
          logits = Float32Array.from(z.dataSync() as Float32Array);
          // The weight is a constant of this pass: no gradient flows through it.
          const weight = tf.tensor2d(outputGradient(logits), z.shape);
          return tf.sum(tf.mul(z, weight));
        })(x),
      );
      return { logits, gradient };
    },
    readsSync: backendReadsSync,
    logitsAsync,
    async gradientAsync(x: Tensor, outputGradient: OutputGradient): Promise<ClassifierGradient<Tensor>> {
      const logits = await logitsAsync(x);
      const weight = outputGradient(logits);
      const gradient = tf.tidy(() =>
        tf.grad((input: Tensor) => {
          const z = forward(input);
          return tf.sum(tf.mul(z, tf.tensor2d(weight, z.shape)));
        })(x),
      );
      return { logits, gradient };
    },
  };
}
