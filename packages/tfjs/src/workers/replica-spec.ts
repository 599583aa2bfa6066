import { AnlError } from '@anl/core';
import { LOSS_NAMES, type LossSpec } from '@anl/tfjs';
import { serialization } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** What a worker rebuilds its replica from: the model's JSON topology and the loss by name. */
export interface ReplicaSpec {
  readonly topology: object;
  readonly loss?: (typeof LOSS_NAMES)[number];
  /** The model's compiled loss when it is a name (resolved in the worker as on main). */
  readonly compiledLoss?: string;
}

/**
 * The model as JSON, checked layer by layer: every layer's class must be registered for
 * serialisation (`tf.serialization.registerClass`) and its `getConfig()` must work, else AnlError
 * UNSUPPORTED naming the layer. The loss must be a name (a function cannot reach a thread).
 */
export function replicaSpec(model: LayersModel, loss: LossSpec | undefined): ReplicaSpec {
  const registered = serialization.SerializationMap.getMap().classNameMap;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className !== 'InputLayer' && registered[className] === undefined) {
      throw new AnlError(
        'UNSUPPORTED',
        `layer "${layer.name}" (class ${className}) is not registered for serialisation, so it cannot reach the training workers; register it with tf.serialization.registerClass and list its module in options.workerModules`,
        { argument: 'model' },
      );
    }
    try {
      layer.getConfig();
    } catch (error) {
      throw new AnlError(
        'UNSUPPORTED',
        `layer "${layer.name}" (class ${className}) cannot be serialised for the training workers: ${(error as Error).message}`,
        { argument: 'model', cause: error },
      );
    }
  }
  const compiled = (model as { loss?: unknown }).loss;
  if (typeof loss === 'function' || (loss === undefined && typeof compiled === 'function')) {
    throw new AnlError(
      'UNSUPPORTED',
      `with workers the loss must be a name (${LOSS_NAMES.join(', ')}): a function cannot reach a thread`,
      { argument: 'options.loss' },
    );
  }
  return {
    topology: model.toJSON(null, false) as object,
    loss,
    compiledLoss: typeof compiled === 'string' ? compiled : undefined,
  };
}
