// Contracts
export { brandClass } from './brand-class';

export { CheckedTensorOps, type TensorKernelsV1 } from './checked-tensor-ops';
export { AnlError, type AnlErrorCode, describeValue, invalidArgument } from './errors';
// The fit loop every adapter's trainer runs
export * from './fit/index';
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
// Random numbers (and the one shuffle)
export { createRng, rngState, setRngState } from './rng/create-rng';
export type { Rng } from './rng/rng';
export { shuffledOrder } from './rng/shuffled-order';
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
export {
  checkLossRequest,
  disposeLossPass,
  hasLossPass,
  requireLossPass,
  runLossPass,
} from './training/loss-pass';
export type { AnpMethodOptions } from './training/methods/anp-method';
export type { FastAtMethodOptions } from './training/methods/fast-at-method';
export type { FgsmAtMethodOptions } from './training/methods/fgsm-at-method';
export type { GaussianMethodOptions } from './training/methods/gaussian-method';
export {
  adversarialUpdate,
  type InputAttackOptions,
  inputGradient,
  signedStepInBall,
  uniformStart,
  weightedUpdate,
} from './training/methods/input-attack';
export type {
  CommonMethodOptions,
  MethodOptionSpec,
  NoiseMethodDefinition,
  RunnerContext,
} from './training/methods/method-definition';
export {
  booleanOption,
  boundsOption,
  choiceOption,
  finiteNumberOption,
  integerOption,
  nonNegativeOption,
  rangeOption,
} from './training/methods/method-option-checks';
export type { MethodRunner, StepContext } from './training/methods/method-runner';
export { type BatchShard, type GatherPart, rowsOfShard } from './training/batch-shard';
export {
  hasReplicatedSteps,
  type ReplicatedStepRequest,
  type ReplicatedStepsV1,
} from './training/replicated-steps';
export type { PgdAtMethodOptions } from './training/methods/pgd-at-method';
export { plainStep } from './training/methods/plain-step';
// Noise methods: the registry (every list of method names comes from here)
export {
  BASELINE_METHOD,
  type BuiltInNoiseMethod,
  DEFAULT_NOISE_METHOD,
  getNoiseMethod,
  hasNoiseMethod,
  listNoiseMethods,
  registerNoiseMethod,
  unregisterNoiseMethod,
} from './training/methods/registry';
export type { MethodOptionsInput } from './training/methods/resolve-method-options';
export type { TradesMethodOptions } from './training/methods/trades-method';
export { NoiseScale } from './training/noise-scale';
export type { TrainingAlgorithmOptions } from './training/options';
// Building blocks for a method's runner: one checked pass, applying its gradients, freeing it
export {
  applyWeightGradients,
  disposeAll,
  disposeResult,
  type PassOptions,
  type PointNoise,
  runPass,
} from './training/pass';
export type {
  ActivationStats,
  LossPassRequest,
  LossPassResult,
  LossTermV1,
  NoiseFn,
  NoisePointInfo,
  PassRequest,
  PassResult,
  RowsNoise,
  RowsNoiseFn,
  TrainableModelV1,
} from './training/trainable-model';
