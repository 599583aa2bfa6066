// The builders behind listModels(): @anl/models with the data's input shape and class count.
import type { ModelOptions } from '@anl/models';
import * as models from '@anl/models';
import type { LayersModel } from '@tensorflow/tfjs-layers';

type Builder = (options: ModelOptions) => LayersModel;

const BUILDERS: Record<string, Builder> = {
  lenet5: (o) => models.lenet5(o),
  'wm-cnn': (o) => models.wmCnn(o),
  vgg11: (o) => models.vgg11(o),
  vgg16: (o) => models.vgg16(o),
  resnet18: (o) => models.resnet18(o),
  resnet20: (o) => models.resnet20(o),
  resnet34: (o) => models.resnet34(o),
  resnet56: (o) => models.resnet56(o),
  'mobilenet-v1': (o) => models.mobilenetV1(o),
  'mobilenet-v2': (o) => models.mobilenetV2(o),
  pyramidnet: (o) => models.pyramidNet(o),
};

/** The names there are builders for (a test keeps this equal to listModels()). */
export function builtModelNames(): string[] {
  return Object.keys(BUILDERS);
}

/** Builds `name` (one of listModels()) with noise layers at the paper's positions. */
export function buildModel(name: string, options: ModelOptions): LayersModel {
  const build = BUILDERS[name];
  if (build === undefined) throw new Error(`unknown model ${name}`);
  return build(options);
}
