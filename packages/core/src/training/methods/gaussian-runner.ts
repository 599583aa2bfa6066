import { gaussianNoise } from '../../noise/gaussian-noise';
import type { NoiseScale } from '../noise-scale';
import { applyWeightGradients, runPass } from '../pass';
import type { MethodRunner, StepContext } from './method-runner';

/** The Gaussian baseline: eta ~ N(0, (eps/4)^2) per element (optionally times s(h)), one pass. */
export class GaussianRunner<T> implements MethodRunner<T> {
  constructor(
    private readonly scale: NoiseScale<T>,
    private readonly scaleByStd: boolean,
  ) {}

  step(ctx: StepContext<T>): T {
    const { ops, model, batch, settings, rng } = ctx;
    try {
      const result = runPass(model, {
        x: batch.x,
        y: batch.y,
        batchSize: batch.batchSize,
        noise: (t, h, stats) => {
          const seed = rng.nextUint32();
          const shard = ctx.shard;
          if (shard === undefined) {
            if (!this.scaleByStd) return gaussianNoise(ops, ops.shape(h), settings.eps, seed);
            return ops.tidy(() =>
              gaussianNoise(ops, ops.shape(h), settings.eps, seed, this.scale.scaleFor(t, h, stats)),
            );
          }
          // A data-parallel replica draws the whole batch's noise (the same seed) and keeps its rows.
          const shape = [shard.batchSize, ...ops.shape(h).slice(1)];
          const rows = Int32Array.from({ length: shard.end - shard.start }, (_, i) => shard.start + i);
          return ops.tidy(() => {
            const s = this.scaleByStd ? this.scale.scaleFor(t, h, stats) : undefined;
            return ops.gatherRows(gaussianNoise(ops, shape, settings.eps, seed, s), rows);
          });
        },
        weightGradients: true,
        noiseGradients: false,
        // Only h's shape (and s(h) when scaled by it) is read: the pool need not gather activations.
        ...(this.scaleByStd ? { noiseReadsOnlyStd: true } : { noiseIgnoresActivations: true }),
      });
      try {
        applyWeightGradients(model, result);
      } catch (error) {
        ops.dispose(result.loss);
        throw error;
      }
      this.scale.commit();
      return result.loss;
    } catch (error) {
      this.scale.discard();
      throw error;
    }
  }

  stateBytes(): number {
    return this.scale.stateBytes();
  }

  dispose(): void {
    this.scale.dispose();
  }
}
