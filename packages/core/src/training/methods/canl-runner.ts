import { AnlError } from '../../errors';
import { anlNoiseOfRows, anlRowsCoefficient } from '../../noise/anl-noise';
import { ClassGradientCache } from '../../noise/class-gradient-cache';
import { sampleClippedGaussianR } from '../../noise/sample-clipped-gaussian-r';
import { shapesEqual } from '../../shape';
import type { TensorOpsV1 } from '../../tensor-ops';
import { rowsOfShard } from '../batch-shard';
import type { NoiseScale } from '../noise-scale';
import { applyWeightGradients, disposeResult, runPass } from '../pass';
import type { ActivationStats, NoisePointInfo, PassResult } from '../trainable-model';
import type { MethodRunner, StepContext } from './method-runner';

/**
 * CANL, Algorithm 2: one pass per batch. The direction of each sample's noise comes from its class's
 * cached gradient (zero for a class not seen yet), the scale from s(h) of the current batch; the
 * pass returns both weight and noise gradients; after the optimizer update, each class present
 * stores the gradient of one random sample of that class.
 */
export class CanlRunner<T> implements MethodRunner<T> {
  private cache: ClassGradientCache<T> | null = null;

  constructor(
    private readonly ops: TensorOpsV1<T>,
    private readonly scale: NoiseScale<T>,
    private readonly numClasses: number,
  ) {}

  /** The class cache (created on the first step from the model's noise points), for inspection. */
  get classCache(): ClassGradientCache<T> | null {
    return this.cache;
  }

  step(ctx: StepContext<T>): T {
    const { ops, model, batch, rng } = ctx;
    const labels = ctx.labels as Int32Array;
    const cache = this.cacheFor(model.noisePoints);
    let result: PassResult<T, unknown> | undefined;
    const newTables: T[] = [];
    try {
      result = runPass(model, {
        x: batch.x,
        y: batch.y,
        batchSize: batch.batchSize,
        // = anlNoise(ops, cache.gather(t, labels), r, s), with max|g| taken on the class rows.
        noise: (t, h, stats) =>
          ops.tidy(() => anlNoiseOfRows(ops, cache.table(t), labels, ...this.draw(ctx, t, h, stats))),
        // The same noise as the class rows and a coefficient per sample (the pool builds it per worker).
        noiseAsRows: (t, h, stats) => ({
          table: cache.table(t),
          rows: labels,
          coefficient: ops.tidy(() =>
            anlRowsCoefficient(ops, cache.table(t), labels, ...this.draw(ctx, t, h, stats)),
          ),
        }),
        weightGradients: true,
        noiseGradients: true,
        noiseReadsOnlyStd: true,
      });
      // Build the new cache tables before the update so nothing can fail after it.
      const grads = result.noiseGradients as readonly T[];
      for (const table of cache.nextTables(grads, ctx.shard?.labels ?? labels, rng, ctx.shard))
        newTables.push(ops.keep(table));
      ops.dispose(grads);
      const pass = result;
      result = undefined;
      try {
        applyWeightGradients(model, pass);
      } catch (error) {
        ops.dispose(pass.loss);
        throw error;
      }
      newTables.forEach((table, t) => {
        cache.commit(t, table);
      });
      newTables.length = 0;
      this.scale.commit();
      return pass.loss;
    } catch (error) {
      if (result !== undefined) disposeResult(model, result);
      ops.dispose(newTables);
      this.scale.discard();
      throw error;
    }
  }

  /** r (one draw per sample) and s(h) for point t, in this order: the rng is read the same either way. */
  private draw(ctx: StepContext<T>, t: number, h: T, stats: ActivationStats | undefined): [T, T] {
    const { ops, batch, settings, rng, shard } = ctx;
    const s = this.scale.scaleFor(t, h, stats);
    // One draw per sample of the whole batch; a replica keeps its rows'.
    const all = sampleClippedGaussianR(rng, shard?.batchSize ?? batch.batchSize, settings.eps);
    const r = ops.fromArray(rowsOfShard(all, shard), [batch.batchSize]);
    return [r, s];
  }

  private cacheFor(points: readonly NoisePointInfo[]): ClassGradientCache<T> {
    if (this.cache === null) {
      this.cache = new ClassGradientCache(this.ops, {
        numClasses: this.numClasses,
        sampleShapes: points.map((p) => p.sampleShape),
      });
    } else if (
      this.cache.numLayers !== points.length ||
      points.some((p, t) => !shapesEqual(p.sampleShape, this.cache!.sampleShapes[t]))
    ) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        "model's noise points differ from the ones this CANL algorithm's class cache was built for; create a new algorithm per model",
        { argument: 'model' },
      );
    }
    return this.cache;
  }

  stateBytes(): number {
    return (this.cache?.memoryBytes() ?? 0) + this.scale.stateBytes();
  }

  dispose(): void {
    this.cache?.dispose();
    this.cache = null;
    this.scale.dispose();
  }
}
