import { EpochMetrics } from '@anl/core';
import { type Scalar, slice, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { TfjsTensorOps } from '../ops/tfjs-tensor-ops';
import { correctCount } from './correct-count';
import type { LossFn } from './losses';

/**
 * Loss and accuracy of `model` on `xs`/`ys` (one-hot targets) in inference mode, where noise layers
 * are the identity. Batched so a large validation set does not need one huge forward pass; the
 * values are summed on the device and read back once. The loss is the data loss (like tfjs's
 * `evaluate`, without regularisation).
 */
export async function evaluateValidation(
  model: LayersModel,
  loss: LossFn,
  xs: Tensor,
  ysOneHot: Tensor,
  batchSize: number,
): Promise<{ loss: number; acc: number }> {
  const metrics = new EpochMetrics(new TfjsTensorOps());
  try {
    const rows = xs.shape[0];
    for (let start = 0; start < rows; start += batchSize) {
      const size = Math.min(batchSize, rows - start);
      const [batchLoss, correct] = tidy(() => {
        const x = slice(xs, start, size);
        const y = slice(ysOneHot, start, size);
        const yPred = model.apply(x, { training: false }) as Tensor;
        return [loss(y, yPred), correctCount(y, yPred)] as [Scalar, Scalar];
      });
      metrics.add(batchLoss, size, { acc: correct });
      batchLoss.dispose();
      correct.dispose();
    }
    const { loss: meanLoss, acc } = await metrics.read(['acc']);
    return { loss: meanLoss, acc };
  } finally {
    metrics.dispose();
  }
}
