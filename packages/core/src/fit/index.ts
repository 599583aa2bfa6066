export { EpochMetrics } from './epoch-metrics';
export { type CheckedFit, checkFitOptions, fit, runFit } from './fit';
export {
  type CallbackResult,
  type EpochContext,
  FIT_OPTION_KEYS,
  type FitBatch,
  type FitBatchIterable,
  type FitCallbacks,
  type FitData,
  type FitHistory,
  type FitHooks,
  type FitLogs,
  type FitOptions,
} from './fit-options';
