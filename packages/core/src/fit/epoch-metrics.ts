import type { TensorOpsV1 } from '../tensor-ops';

/**
 * Sums over an epoch of the loss (weighted by batch size) and of each step metric, kept on the
 * device: adding a batch costs no read-back; `read` syncs once at the end of the epoch.
 */
export class EpochMetrics<T> {
  private lossSum: T | null = null;
  private readonly sums = new Map<string, T>();
  private samples = 0;

  constructor(private readonly ops: TensorOpsV1<T>) {}

  /** Adds one batch: its mean loss, its size and its metric sums (freed by the caller). */
  add(loss: T, batchSize: number, metrics: Readonly<Record<string, T>>): void {
    const { ops } = this;
    const lossSum = ops.tidy(() => {
      const weighted = ops.scale(loss, batchSize);
      return this.lossSum === null ? weighted : ops.add(this.lossSum, weighted);
    });
    if (this.lossSum !== null) ops.dispose(this.lossSum);
    this.lossSum = ops.keep(lossSum);
    for (const [name, value] of Object.entries(metrics)) {
      const previous = this.sums.get(name);
      const next = ops.tidy(() => (previous === undefined ? ops.scale(value, 1) : ops.add(previous, value)));
      if (previous !== undefined) ops.dispose(previous);
      this.sums.set(name, ops.keep(next));
    }
    this.samples += batchSize;
  }

  /** Mean loss and metric per sample over the batches so far (NaN for a metric never counted). */
  async read(names: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    if (this.samples === 0 || this.lossSum === null) {
      out.loss = Number.NaN;
      for (const name of names) out[name] = Number.NaN;
      return out;
    }
    out.loss = (await this.ops.toArray(this.lossSum))[0] / this.samples;
    for (const name of names) {
      const sum = this.sums.get(name);
      out[name] = sum === undefined ? Number.NaN : (await this.ops.toArray(sum))[0] / this.samples;
    }
    return out;
  }

  dispose(): void {
    this.ops.dispose([...(this.lossSum === null ? [] : [this.lossSum]), ...this.sums.values()]);
    this.lossSum = null;
    this.sums.clear();
    this.samples = 0;
  }
}
