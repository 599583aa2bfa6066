import { AnlError } from '../../errors';
import { anlNoise } from '../../noise/anl-noise';
import { sampleClippedGaussianR } from '../../noise/sample-clipped-gaussian-r';
import { rowsOfShard } from '../batch-shard';
import type { NoiseScale } from '../noise-scale';
import { applyWeightGradients, disposeAll, disposeResult, runPass } from '../pass';
import type { MethodRunner, StepContext } from './method-runner';

/**
 * ANL, Algorithm 1. Round 1: forward without noise, backward to the noise points only (no weight
 * gradients), recording s(h) per point. Then eta_t = r_t · s_t · g_t / max|g_t| for every point at
 * once (Eq. 4). Round 2: forward with eta, backward to the weights, one optimizer update.
 */
export class AnlRunner<T> implements MethodRunner<T> {
  constructor(private readonly scale: NoiseScale<T>) {}

  step(ctx: StepContext<T>): T {
    const { ops, model, batch, settings, rng } = ctx;
    const points = model.noisePoints.length;
    const scales: (T | undefined)[] = new Array(points);
    const etas: T[] = [];
    try {
      const round1 = runPass(model, {
        x: batch.x,
        y: batch.y,
        batchSize: batch.batchSize,
        noise: (t, h, stats) => {
          if (scales[t] !== undefined) ops.dispose(scales[t] as T);
          scales[t] = ops.keep(this.scale.scaleFor(t, h, stats));
          return null;
        },
        weightGradients: false,
        noiseGradients: true,
        noiseObservesOnly: true,
        noiseReadsOnlyStd: true,
      });
      const grads = round1.noiseGradients as readonly T[];
      try {
        for (let t = 0; t < points; t++) {
          const s = scales[t];
          if (s === undefined) {
            throw new AnlError(
              'INVALID_ARGUMENT',
              `model.doPass never called the noise function for noise point ${t} (${model.noisePoints[t].name})`,
              { argument: 'model' },
            );
          }
          // One draw per sample of the whole batch; a data-parallel replica keeps its rows'.
          const all = sampleClippedGaussianR(rng, ctx.shard?.batchSize ?? batch.batchSize, settings.eps);
          const r = ops.fromArray(rowsOfShard(all, ctx.shard), [batch.batchSize]);
          try {
            etas.push(ops.keep(anlNoise(ops, grads[t], r, s)));
          } finally {
            ops.dispose(r);
          }
        }
      } finally {
        disposeResult(model, round1);
      }
      const round2 = runPass(model, {
        x: batch.x,
        y: batch.y,
        batchSize: batch.batchSize,
        noise: (t) => etas[t],
        weightGradients: true,
        noiseGradients: false,
        noiseIgnoresActivations: true,
      });
      try {
        applyWeightGradients(model, round2);
      } catch (error) {
        ops.dispose(round2.loss);
        throw error;
      }
      this.scale.commit();
      return round2.loss;
    } catch (error) {
      this.scale.discard();
      throw error;
    } finally {
      disposeAll(ops, scales);
      ops.dispose(etas);
    }
  }

  stateBytes(): number {
    return this.scale.stateBytes();
  }

  dispose(): void {
    this.scale.dispose();
  }
}
