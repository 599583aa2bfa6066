import type { Rng } from '../rng/rng';
import type { BatchShard } from './batch-shard';
import type { BuiltInNoiseMethod } from './methods/registry';
import type { TrainableModelV1 } from './trainable-model';

/**
 * A registered noise method's name: SPEC.md's built-ins (one of them the baseline) or one added with
 * `registerNoiseMethod` (any string is accepted by the type; the registry checks it).
 */
export type NoiseMethod = BuiltInNoiseMethod | (string & {});

/** How s(h) is taken: this batch's std (the paper) or a running average (the authors' code). */
export type StdMode = 'batch' | 'running';

/** One batch as a training algorithm sees it. */
export interface Batch<T> {
  readonly x: T;
  readonly y: T;
  /** Integer class labels on the host, length `batchSize`; required by CANL. */
  readonly labels?: Int32Array;
  readonly batchSize: number;
}

/** What the schedule says for the current step. */
export interface StepSettings {
  /** The noise magnitude; negative is legal (noise against the gradient). */
  readonly eps: number;
  /** False turns noise off (e.g. the second half of the paper's Table 3 schedule). */
  readonly noise: boolean;
  /** ANP: momentum of the noise buffer (default from the algorithm options). */
  readonly anpAlpha?: number;
  /** ANP: forward/backward passes per batch (default from the algorithm options). */
  readonly anpPasses?: number;
}

/** Result of a step; the caller owns (and disposes) `loss`, a scalar tensor left on the device. */
export interface StepOutcome<T> {
  readonly loss: T;
}

/** A training method written once against `TrainableModelV1`, run by every adapter's trainer. */
export interface TrainingAlgorithm<T> {
  readonly method: NoiseMethod;
  /**
   * One optimisation step on one batch. Validates first; if it throws, the model's weights, its
   * optimizer and this algorithm's state (caches, running std) are as they were.
   */
  step(
    model: TrainableModelV1<T>,
    batch: Batch<T>,
    settings: StepSettings,
    rng: Rng,
    /** On a data-parallel replica: which rows of the whole batch `batch` holds. */
    shard?: BatchShard<T>,
  ): StepOutcome<T>;
  /** Bytes held between steps (CANL's class cache, LAT's previous gradients, running std). */
  stateBytes(): number;
  /** Forgets state (caches, running std) and frees its tensors. */
  dispose(): void;
}
