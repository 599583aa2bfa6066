import type { Rng } from '../rng/rng';
import type { Batch, StepSettings } from './algorithm';
import type { TrainingAlgorithmOptions } from './options';

/** What `ReplicatedStepsV1.replicatedStep` is asked to run. */
export interface ReplicatedStepRequest<T> {
  /** The algorithm's id (one per `createTrainingAlgorithm`): the replicas keep one state per id. */
  readonly algorithm: number;
  /** The options the algorithm was created with (a replica creates the same algorithm from them). */
  readonly options: TrainingAlgorithmOptions;
  readonly batch: Batch<T>;
  readonly settings: StepSettings;
  /** Read from and advanced as if the step had run here. */
  readonly rng: Rng;
}

/**
 * Optional capability of a `TrainableModelV1` whose passes run on several replicas (the tfjs worker
 * pool): it runs whole steps SPMD-style, the algorithm's own step on every replica over its rows
 * with a `BatchShard`, so a method's noise is made where the activations are. Used by
 * `createTrainingAlgorithm` for methods marked `shardable`.
 */
export interface ReplicatedStepsV1<T> {
  /**
   * Runs the step and returns the whole batch's mean loss, or null when it cannot (e.g. an `Rng`
   * whose state cannot travel): the algorithm then runs the step itself, pass by pass. On an error,
   * every replica's weights, the optimizer and the algorithm's state are as they were.
   */
  replicatedStep(request: ReplicatedStepRequest<T>): T | null;
  /** Bytes of state algorithm `id` keeps on one replica (as `TrainingAlgorithm.stateBytes`). */
  replicatedStateBytes(id: number): number;
  /** Algorithm `id` is disposed: the replicas free its state. */
  releaseAlgorithm(id: number): void;
}

export function hasReplicatedSteps<T>(model: object): model is ReplicatedStepsV1<T> {
  const m = model as Partial<ReplicatedStepsV1<T>>;
  return typeof m.replicatedStep === 'function' && typeof m.releaseAlgorithm === 'function';
}
