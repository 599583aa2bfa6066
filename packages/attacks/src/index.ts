export {
  type BatchTransform,
  type FgsmAdversarialTrainingOptions,
  fgsmAdversarialTraining,
  type PgdAdversarialTrainingOptions,
  pgdAdversarialTraining,
  type TrainingBatch,
} from './adversarial-training';
export { assertInBounds, assertInBoundsAsync, type Bounds, validateBounds } from './bounds';
export {
  CatastrophicOverfittingGuard,
  type CatastrophicOverfittingGuardOptions,
  catastrophicOverfittingGuard,
  type GuardRecord,
} from './catastrophic-overfitting-guard';
export type { Classifier } from './classifier';
export { deltaToEps, resolveStrength, resolveStrengths, type Strength, type Strengths } from './epsilon';
export { type EvaluateRobustnessOptions, evaluateRobustness, type LabelledData } from './evaluate-robustness';
export {
  type FastAdversarialTrainingOptions,
  fastAdversarialTraining,
  fastFgsm,
} from './fast-adversarial-training';
export {
  type FgsmOptions,
  type FgsmSweepOptions,
  type FgsmTargeting,
  fgsm,
  fgsmAsync,
  fgsmSweep,
  fgsmSweepAsync,
} from './fgsm';
export {
  formatRobustnessTable,
  type NamedRobustnessReport,
  type RobustnessMetric,
} from './format-robustness-table';
export type { LabelsInput } from './labels';
export {
  classifierFromLayersModel,
  type LayersModelClassifierOptions,
  type PerSampleLoss,
  softmaxCrossEntropy,
} from './layers-model-classifier';
export { type PgdNorm, type PgdOptions, pgd, pgdAsync } from './pgd';
export {
  ABSTAIN,
  type Certificate,
  type CertifiedAccuracyPoint,
  type CertifyOptions,
  certifiedAccuracy,
  certify,
  type GaussianAugmentationOptions,
  gaussianAugmentation,
  type SmoothingProgress,
  type SmoothingSamplingOptions,
  type SmoothPrediction,
  type SmoothPredictOptions,
  smoothPredict,
} from './randomized-smoothing';
export type { RobustnessAttack, RobustnessReport, RobustnessRow } from './robustness-report';
export {
  betaQuantile,
  binomialTestHalf,
  clopperPearsonLower,
  normalCdf,
  normalQuantile,
  regularizedBeta,
} from './statistics';
export {
  klDivergence,
  type TradesObjective,
  type TradesOptions,
  type TradesPerturbationOptions,
  tradesLoss,
  tradesObjective,
  tradesPerturb,
  tradesStep,
} from './trades';
export {
  type Renormalization,
  type UniformNoiseOptions,
  uniformNoise,
  uniformNoiseAsync,
} from './uniform-noise';
export * from './v2/index';
