import type { FitCallbacks, FitHooks, FitLogs } from './fit-options';

type Hook = keyof Omit<FitCallbacks, 'setModel' | 'setParams'>;

/**
 * Runs tfjs-style callbacks in order and tracks whether one asked to stop: by returning `'stop'`
 * or through the adapter's `stopRequested` (tfjs: `model.stopTraining`, as earlyStopping sets it).
 */
export class CallbackList {
  private stopRequested = false;

  constructor(
    private readonly callbacks: readonly FitCallbacks[],
    private readonly hooks: FitHooks<unknown>,
    params: Record<string, unknown>,
  ) {
    for (const callback of callbacks) {
      callback.setModel?.(hooks.callbackModel);
      callback.setParams?.(params);
    }
  }

  /** True when some callback defines `hook` with a body (inherited no-ops do not count). */
  has(hook: Hook): boolean {
    return this.callbacks.some(
      (c) => typeof c[hook] === 'function' && !(this.hooks.isNoOpHook?.(hook, c[hook]) ?? false),
    );
  }

  get shouldStop(): boolean {
    return this.stopRequested || (this.hooks.stopRequested?.() ?? false);
  }

  async trainBegin(logs: FitLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onTrainBegin?.(logs));
  }

  async trainEnd(logs: FitLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onTrainEnd?.(logs));
  }

  async epochBegin(epoch: number, logs: FitLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onEpochBegin?.(epoch, logs));
  }

  async epochEnd(epoch: number, logs: FitLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onEpochEnd?.(epoch, logs));
  }

  async batchBegin(batch: number, logs: FitLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onBatchBegin?.(batch, logs));
  }

  async batchEnd(batch: number, logs: FitLogs): Promise<void> {
    for (const c of this.callbacks) this.note(await c.onBatchEnd?.(batch, logs));
  }

  private note(result: unknown): void {
    if (result === 'stop') this.stopRequested = true;
  }
}
