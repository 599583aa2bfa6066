import { latNoise } from '../../noise/lat-noise';
import { shapeSize } from '../../shape';
import type { TensorOpsV1 } from '../../tensor-ops';
import { applyWeightGradients, disposeResult, runPass } from '../pass';
import type { PassResult } from '../trainable-model';
import type { MethodRunner, StepContext } from './method-runner';

/**
 * LAT (Eq. 6-7): the noise of batch b+1 at point t is eps · sign(g_t^b) from batch b's gradient
 * (none on the very first batch; sample i uses the previous batch's sample i mod B_prev). One pass
 * with weight and noise gradients; this batch's gradients are kept for the next batch.
 */
export class LatRunner<T> implements MethodRunner<T> {
  private previous: readonly T[] | null = null;
  /** The whole batch's size when `previous` was taken (on a replica `previous` holds its rows). */
  private previousBatchSize = 0;

  constructor(private readonly ops: TensorOpsV1<T>) {}

  /** The gradients the next batch's noise is built from (owned here), for inspection. */
  get previousGradients(): readonly T[] | null {
    return this.previous;
  }

  step(ctx: StepContext<T>): T {
    const { ops, model, batch } = ctx;
    const previous =
      this.previous !== null && this.previous.length === model.noisePoints.length ? this.previous : null;
    let result: PassResult<T, unknown> | undefined = runPass(model, {
      x: batch.x,
      y: batch.y,
      batchSize: batch.batchSize,
      noise: (t) => (previous === null ? null : this.noiseFrom(ctx, previous[t])),
      weightGradients: true,
      noiseGradients: true,
      noiseIgnoresActivations: true,
    });
    try {
      const grads = (result.noiseGradients as readonly T[]).map((g) => ops.keep(g));
      const pass = result;
      result = undefined;
      try {
        applyWeightGradients(model, pass);
      } catch (error) {
        ops.dispose(pass.loss);
        ops.dispose(grads);
        throw error;
      }
      const old = this.previous;
      this.previous = grads;
      this.previousBatchSize = ctx.shard?.batchSize ?? batch.batchSize;
      if (old !== null) ops.dispose(old);
      return pass.loss;
    } catch (error) {
      if (result !== undefined) disposeResult(model, result);
      throw error;
    }
  }

  /**
   * eps·sign of the previous batch's gradient, sample i taking sample i mod B_prev. A replica holds
   * its rows of both batches: with the same batch size they are the same rows (the split depends on
   * the size alone); otherwise the rows it needs are gathered from the replicas holding them.
   */
  private noiseFrom(ctx: StepContext<T>, previous: T): T {
    const { ops, batch, settings, shard } = ctx;
    if (shard === undefined || shard.batchSize === this.previousBatchSize) {
      // A replica without rows of this batch (it had none of the previous one either) has no noise.
      if (batch.batchSize === 0) return ops.zeros(ops.shape(previous));
      return latNoise(ops, previous, settings.eps, batch.batchSize);
    }
    // Every replica asks for the same rows (the whole batch's), then keeps its own.
    const all = Int32Array.from({ length: shard.batchSize }, (_, i) => i % this.previousBatchSize);
    const mine = Int32Array.from({ length: batch.batchSize }, (_, i) => shard.start + i);
    return ops.tidy(() => {
      const [gathered] = shard.gatherRows([{ local: previous, indices: all }], this.previousBatchSize);
      const rows = ops.gatherRows(gathered, mine);
      return batch.batchSize === 0 ? rows : latNoise(ops, rows, settings.eps, batch.batchSize);
    });
  }

  stateBytes(): number {
    return (this.previous ?? []).reduce((sum, g) => sum + shapeSize(this.ops.shape(g)) * 4, 0);
  }

  dispose(): void {
    if (this.previous !== null) this.ops.dispose(this.previous);
    this.previous = null;
  }
}
