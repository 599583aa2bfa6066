export { recomputeAdamBetaPowers } from './adam-beta-powers';
export { addConstantNoise } from './constant-noise';
export { setLearningRate } from './learning-rate';
export {
  categoricalCrossentropy,
  LOSS_NAMES,
  type LossFn,
  type LossSpec,
  meanSquaredError,
  resolveLoss,
  softmaxCrossEntropy,
} from './losses';
export { backendReadsSync } from './reads-sync';
export { type HostTensor, type RecordedPass, RecordingTrainableModel } from './recording-trainable-model';
export {
  type NamedGradients,
  type PredictionObserver,
  TfjsTrainableModel,
  type TfjsTrainableModelOptions,
} from './tfjs-trainable-model';
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
export { trainWithNoise } from './train-with-noise';
