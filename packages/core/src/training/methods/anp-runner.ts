import { anpNoise, anpUpdate } from '../../noise/anp';
import type { TensorOpsV1 } from '../../tensor-ops';
import { applyWeightGradients, disposeResult, runPass } from '../pass';
import type { MethodRunner, StepContext } from './method-runner';

/**
 * ANP (the authors' code): k passes per batch with buffers reg_t reset to 0; each pass injects
 * (eps/k)·reg_t, takes weight and noise gradients and steps the optimizer ("free" style), then
 * reg_t <- alpha·reg_t + g_t/‖g_t‖₂. The last pass's buffer update is skipped: nothing reads it.
 * Each of the k updates is final once made: if pass j fails, passes before it stay applied.
 */
export class AnpRunner<T> implements MethodRunner<T> {
  constructor(
    private readonly defaultAlpha: number,
    private readonly defaultPasses: number,
  ) {}

  step(ctx: StepContext<T>): T {
    const { ops, model, batch, settings } = ctx;
    const passes = settings.anpPasses ?? this.defaultPasses;
    const alpha = settings.anpAlpha ?? this.defaultAlpha;
    let regs: T[] = model.noisePoints.map((p) => ops.keep(ops.zeros([batch.batchSize, ...p.sampleShape])));
    let loss: T | null = null;
    try {
      for (let pass = 0; pass < passes; pass++) {
        const last = pass === passes - 1;
        const result = runPass(model, {
          x: batch.x,
          y: batch.y,
          batchSize: batch.batchSize,
          noise: (t) => (pass === 0 ? null : anpNoise(ops, regs[t], settings.eps, passes)),
          weightGradients: true,
          noiseGradients: !last,
          noiseIgnoresActivations: true,
        });
        const grads = result.noiseGradients ?? [];
        try {
          applyWeightGradients(model, { loss: result.loss, weightGradients: result.weightGradients });
        } catch (error) {
          disposeResult(model, { loss: result.loss, noiseGradients: result.noiseGradients });
          throw error;
        }
        if (loss !== null) ops.dispose(loss);
        loss = result.loss;
        if (!last) regs = updateBuffers(ops, regs, grads, alpha);
      }
      return loss as T;
    } catch (error) {
      if (loss !== null) ops.dispose(loss);
      throw error;
    } finally {
      ops.dispose(regs);
    }
  }

  stateBytes(): number {
    return 0;
  }

  dispose(): void {}
}

/** reg_t <- alpha·reg_t + g_t/‖g_t‖₂ for every point; frees the old buffers and the gradients. */
function updateBuffers<T>(ops: TensorOpsV1<T>, regs: T[], grads: readonly T[], alpha: number): T[] {
  const next: T[] = [];
  try {
    for (let t = 0; t < regs.length; t++) next.push(ops.keep(anpUpdate(ops, regs[t], grads[t], alpha)));
    ops.dispose(regs);
    return next;
  } catch (error) {
    ops.dispose(next);
    throw error;
  } finally {
    ops.dispose(grads);
  }
}
