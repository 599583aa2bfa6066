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
export { RecordingTrainableModel, type HostTensor, type RecordedPass } from './recording-trainable-model';
export { setLearningRate } from './learning-rate';
export { trainWithNoise } from './train-with-noise';
export type {
  BatchDataset,
  BatchTransform,
  CallbackResult,
  TrainCallbacks,
  TrainHistory,
  TrainingData,
  TrainLogs,
  TrainWithNoiseOptions,
  XY,
} from './train-options';
