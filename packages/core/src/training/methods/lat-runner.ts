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

  constructor(private readonly ops: TensorOpsV1<T>) {}

  /** The gradients the next batch's noise is built from (owned here), for inspection. */
  get previousGradients(): readonly T[] | null {
    return this.previous;
  }

  step(ctx: StepContext<T>): T {
    const { ops, model, batch, settings } = ctx;
    const previous =
      this.previous !== null && this.previous.length === model.noisePoints.length ? this.previous : null;
    let result: PassResult<T, unknown> | undefined = runPass(model, {
      x: batch.x,
      y: batch.y,
      batchSize: batch.batchSize,
      noise: (t) => (previous === null ? null : latNoise(ops, previous[t], settings.eps, batch.batchSize)),
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
      if (old !== null) ops.dispose(old);
      return pass.loss;
    } catch (error) {
      if (result !== undefined) disposeResult(model, result);
      throw error;
    }
  }

  stateBytes(): number {
    return (this.previous ?? []).reduce((sum, g) => sum + shapeSize(this.ops.shape(g)) * 4, 0);
  }

  dispose(): void {
    if (this.previous !== null) this.ops.dispose(this.previous);
    this.previous = null;
  }
}
