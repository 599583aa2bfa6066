import type { Rng } from '../../rng/rng';
import type { TensorOpsV1 } from '../../tensor-ops';
import type { Batch, StepSettings } from '../algorithm';
import type { BatchShard } from '../batch-shard';
import type { TrainableModelV1 } from '../trainable-model';

/** Everything one validated step needs. */
export interface StepContext<T> {
  readonly ops: TensorOpsV1<T>;
  readonly model: TrainableModelV1<T>;
  readonly batch: Batch<T>;
  readonly settings: StepSettings;
  readonly rng: Rng;
  /** Validated labels (present when the batch had labels). */
  readonly labels?: Int32Array;
  /** On a data-parallel replica: which rows of the whole batch `batch` is (see `BatchShard`). */
  readonly shard?: BatchShard<T>;
}

/** One noise method's step and the state it keeps between steps. */
export interface MethodRunner<T> {
  /** Runs the step with noise on (eps != 0); returns the loss, owned by the caller. */
  step(ctx: StepContext<T>): T;
  stateBytes(): number;
  dispose(): void;
}
