import { Callback, type LayersModel } from '@tensorflow/tfjs-layers';
import type { TrainCallbacks, TrainLogs } from './train-options';

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/**
 * Runs tfjs-style callbacks in order and tracks whether one asked to stop: by returning `'stop'`
 * or, as `tf.callbacks.earlyStopping` does, by setting `model.stopTraining = true`.
 */
export class CallbackList {
  private stopRequested = false;

  constructor(
    private readonly callbacks: readonly TrainCallbacks[],
    private readonly model: LayersModel,
    params: Record<string, unknown>,
  ) {
    for (const callback of callbacks) {
      callback.setModel?.(model);
      callback.setParams?.(params);
    }
  }

  /**
   * True when some callback defines `hook` (the trainer only reads per-batch logs back if so). The
   * no-op hooks every `tf.Callback` inherits (e.g. earlyStopping's onBatchEnd) do not count.
   */
  has(hook: Hook): boolean {
    const inherited = (Callback.prototype as unknown as Record<Hook, unknown>)[hook];
    return this.callbacks.some((c) => typeof c[hook] === 'function' && c[hook] !== inherited);
  }

  get shouldStop(): boolean {
    return this.stopRequested || this.model.stopTraining;
  }

  async trainBegin(logs: TrainLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onTrainBegin?.(logs));
  }

  async trainEnd(logs: TrainLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onTrainEnd?.(logs));
  }

  async epochBegin(epoch: number, logs: TrainLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onEpochBegin?.(epoch, logs));
  }

  async epochEnd(epoch: number, logs: TrainLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onEpochEnd?.(epoch, logs));
  }

  async batchBegin(batch: number, logs: TrainLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onBatchBegin?.(batch, logs));
  }

  async batchEnd(batch: number, logs: TrainLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onBatchEnd?.(batch, logs));
  }

  private note(result: unknown): void {
    if (result === 'stop') this.stopRequested = true;
  }
}
