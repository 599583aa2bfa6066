// Contracts
export { brandClass } from './brand-class';
export { AnlError, type AnlErrorCode, describeValue, invalidArgument } from './errors';
// Noise algebra
export { activationStd } from './noise/activation-std';
export { anlNoise } from './noise/anl-noise';
export { anpNoise, anpUpdate } from './noise/anp';
export {
  ClassGradientCache,
  type ClassGradientCacheOptions,
  pickOnePerClass,
} from './noise/class-gradient-cache';
export { gaussianNoise } from './noise/gaussian-noise';
export { latNoise } from './noise/lat-noise';
export { perSampleLinfNormalize } from './noise/per-sample-linf-normalize';
export { pniNoise } from './noise/pni-noise';
export { RunningStd } from './noise/running-std';
export { sampleClippedGaussianR } from './noise/sample-clipped-gaussian-r';
export { validateLabels } from './noise/validate-labels';
// Random numbers
export { createRng } from './rng/create-rng';
export type { Rng } from './rng/rng';
// Schedules
export {
  ANP_VGG16_CIFAR10_SCHEDULE,
  type AnpPhase,
  halfNoiseSchedule,
  type NoiseSchedule,
  settingsForEpoch,
} from './schedule/noise-schedule';
// Shapes (helpers adapters may reuse for their own validation)
export {
  assertBatched,
  assertFinite,
  assertShape,
  assertValidShape,
  formatShape,
  shapeSize,
  shapesEqual,
} from './shape';
export type { TensorOps, TensorOpsV1 } from './tensor-ops';
export { assertFromArrayArguments, assertRowIndices, assertSeed } from './tensor-ops-arguments';
export type {
  Batch,
  NoiseMethod,
  StdMode,
  StepOutcome,
  StepSettings,
  TrainingAlgorithm,
} from './training/algorithm';

// Training algorithms
export { createTrainingAlgorithm } from './training/create-training-algorithm';
export { NOISE_METHODS, type TrainingAlgorithmOptions } from './training/options';
export type {
  NoiseFn,
  NoisePointInfo,
  PassRequest,
  PassResult,
  TrainableModelV1,
} from './training/trainable-model';
