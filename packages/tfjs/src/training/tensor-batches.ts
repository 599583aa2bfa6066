import { gather, type Tensor, tensor1d, tidy } from '@tensorflow/tfjs-core';

/** One batch cut from tensor data: the caller frees `x` and `y`. */
export interface CutBatch {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly labels?: Int32Array;
  readonly batchSize: number;
}

/**
 * The batches of one epoch over `xs` / `ys` in `order`, `batchSize` rows each (the last one may be
 * smaller). Rows are picked on the device with host indices, so nothing is read back.
 */
export function* tensorBatches(
  xs: Tensor,
  ys: Tensor,
  labels: Int32Array | undefined,
  order: Int32Array,
  batchSize: number,
): Generator<CutBatch> {
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.subarray(start, Math.min(start + batchSize, order.length));
    const [x, y] = tidy(() => {
      const indices = tensor1d(rows, 'int32');
      return [gather(xs, indices), gather(ys, indices)];
    });
    const batchLabels = labels === undefined ? undefined : Int32Array.from(rows, (i) => labels[i]);
    yield { x, y, labels: batchLabels, batchSize: rows.length };
  }
}
