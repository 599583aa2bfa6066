// Contracts
export { AnlError, invalidArgument, describeValue, type AnlErrorCode } from './errors';
export type { TensorOpsV1, TensorOps } from './tensor-ops';
export type { Rng } from './rng/rng';
export type {
  NoiseFn,
  NoisePointInfo,
  PassRequest,
  PassResult,
  TrainableModelV1,
} from './training/trainable-model';
export type {
  Batch,
  NoiseMethod,
  StdMode,
  StepOutcome,
  StepSettings,
  TrainingAlgorithm,
} from './training/algorithm';

// Random numbers
export { createRng } from './rng/create-rng';

// Shapes (helpers adapters may reuse for their own validation)
export { assertShape, formatShape, shapeSize, shapesEqual } from './shape';

// Noise algebra
export { activationStd } from './noise/activation-std';
export { RunningStd } from './noise/running-std';
export { perSampleLinfNormalize } from './noise/per-sample-linf-normalize';
export { sampleClippedGaussianR } from './noise/sample-clipped-gaussian-r';
export { anlNoise } from './noise/anl-noise';
export { gaussianNoise } from './noise/gaussian-noise';
export { latNoise } from './noise/lat-noise';
export { anpNoise, anpUpdate } from './noise/anp';
export { pniNoise } from './noise/pni-noise';
export {
  ClassGradientCache,
  pickOnePerClass,
  type ClassGradientCacheOptions,
} from './noise/class-gradient-cache';
export { validateLabels } from './noise/validate-labels';

// Training algorithms
export { createTrainingAlgorithm } from './training/create-training-algorithm';
export { NOISE_METHODS, type TrainingAlgorithmOptions } from './training/options';

// Schedules
export {
  ANP_VGG16_CIFAR10_SCHEDULE,
  halfNoiseSchedule,
  settingsForEpoch,
  type AnpPhase,
  type NoiseSchedule,
} from './schedule/noise-schedule';
