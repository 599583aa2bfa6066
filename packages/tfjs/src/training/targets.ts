import { AnlError, validateLabels } from '@anl/core';
import { cast, oneHot, reshape, type Tensor, tensor1d, tidy } from '@tensorflow/tfjs-core';

/** How a targets tensor holds its classes. */
export type TargetFormat = 'one-hot' | 'labels';

/**
 * Checks `ys` against `rows` samples and `numClasses` and says its format: one-hot rows
 * `[N, numClasses]`, or integer labels `[N]` / `[N, 1]` (when numClasses > 1).
 */
export function targetFormat(ys: Tensor, rows: number, numClasses: number, argument: string): TargetFormat {
  if (ys.shape[0] !== rows) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have ${rows} rows (one per input), got ${ys.shape[0]}`,
      {
        argument,
      },
    );
  }
  if (ys.rank === 1 || (ys.rank === 2 && ys.shape[1] === 1 && numClasses > 1)) return 'labels';
  if (ys.rank === 2 && ys.shape[1] === numClasses) return 'one-hot';
  throw new AnlError(
    'SHAPE_MISMATCH',
    `${argument} must be one-hot rows [${rows}, ${numClasses}] or integer labels [${rows}], got [${ys.shape}]`,
    { argument },
  );
}

/**
 * Class labels on the host (reads `ys` back once): argmax of one-hot rows, or the integer labels,
 * which must lie in [0, numClasses) (AnlError 'INVALID_LABELS' otherwise).
 */
export async function hostLabels(ys: Tensor, format: TargetFormat, numClasses: number, argument: string) {
  const values = await ys.data();
  if (format === 'labels') {
    const labels = new Array<number>(values.length);
    for (let i = 0; i < values.length; i++) labels[i] = values[i];
    return validateLabels(labels, numClasses, argument);
  }
  const rows = ys.shape[0];
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if (values[i * numClasses + c] > values[i * numClasses + best]) best = c;
    }
    labels[i] = best;
  }
  return labels;
}

/** `ys` as float one-hot rows (a new tensor for labels; `ys` itself when already one-hot float). */
export function toOneHotTargets(ys: Tensor, format: TargetFormat, numClasses: number): Tensor {
  if (format === 'one-hot') return ys.dtype === 'float32' ? ys : cast(ys, 'float32');
  return tidy(() => cast(oneHot(cast(reshape(ys, [-1]), 'int32'), numClasses), 'float32'));
}

/** One-hot rows from host labels (no read-back). */
export function oneHotFromLabels(labels: Int32Array, numClasses: number): Tensor {
  return tidy(() => cast(oneHot(tensor1d(labels, 'int32'), numClasses), 'float32'));
}
