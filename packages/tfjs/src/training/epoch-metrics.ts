import { add, dispose, keep, mul, type Scalar, type Tensor, tidy } from '@tensorflow/tfjs-core';

/**
 * Sums of loss (weighted by batch size) and correct predictions over an epoch, kept on the device:
 * adding a batch costs no read-back; `read` syncs once at the end of the epoch.
 */
export class EpochMetrics {
  private lossSum: Tensor | null = null;
  private correctSum: Tensor | null = null;
  private samples = 0;

  /** Adds one batch: its mean loss, its size and (when known) its correct-prediction count. */
  add(loss: Scalar, batchSize: number, correct: Tensor | null): void {
    const lossSum = tidy(() => {
      const weighted = mul(loss, batchSize);
      return this.lossSum === null ? weighted : add(this.lossSum, weighted);
    });
    this.lossSum?.dispose();
    this.lossSum = keep(lossSum);
    if (correct !== null) {
      const correctSum = this.correctSum === null ? correct.clone() : add(this.correctSum, correct);
      this.correctSum?.dispose();
      this.correctSum = keep(correctSum);
    }
    this.samples += batchSize;
  }

  /** Mean loss and accuracy over the batches added so far (accuracy NaN when never counted). */
  async read(): Promise<{ loss: number; acc: number }> {
    if (this.samples === 0 || this.lossSum === null) return { loss: Number.NaN, acc: Number.NaN };
    const loss = (await this.lossSum.data())[0] / this.samples;
    const acc = this.correctSum === null ? Number.NaN : (await this.correctSum.data())[0] / this.samples;
    return { loss, acc };
  }

  dispose(): void {
    dispose([this.lossSum, this.correctSum].filter((t): t is Tensor => t !== null));
    this.lossSum = null;
    this.correctSum = null;
    this.samples = 0;
  }
}
