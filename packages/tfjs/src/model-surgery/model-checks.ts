import { invalidArgument } from '@anl/core';
import { LayersModel } from '@tensorflow/tfjs-layers';

/** True for a tf.LayersModel (Sequential or functional). */
export function isLayersModel(value: unknown): value is LayersModel {
  return value instanceof LayersModel;
}

/** INVALID_ARGUMENT unless `model` is a LayersModel whose graph exists (it knows its input shapes). */
export function checkBuiltModel(model: unknown, argument = 'model'): asserts model is LayersModel {
  if (!isLayersModel(model)) invalidArgument(argument, 'a tf.LayersModel', model);
  if (model.inputs.length === 0) {
    invalidArgument(
      argument,
      'a built model (give its first layer an inputShape)',
      `model ${model.name} without inputs`,
    );
  }
}
