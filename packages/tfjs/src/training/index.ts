export { addConstantNoise } from './constant-noise';
export {
  categoricalCrossentropy,
  LOSS_NAMES,
  type LossFn,
  type LossSpec,
  meanSquaredError,
  resolveLoss,
  softmaxCrossEntropy,
} from './losses';
export {
  type NamedGradients,
  type PredictionObserver,
  TfjsTrainableModel,
  type TfjsTrainableModelOptions,
} from './tfjs-trainable-model';
