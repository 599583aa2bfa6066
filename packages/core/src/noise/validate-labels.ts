import { AnlError, describeValue } from '../errors';
import { assertInteger } from '../shape';

/**
 * Checks class labels: an array (Int32Array or numbers) of integers in [0, numClasses), of length
 * `expectedLength` when given. Throws INVALID_LABELS naming `argument` and the first bad entry.
 * Returns the labels as an Int32Array (the same object when it already is one).
 */
export function validateLabels(
  labels: unknown,
  numClasses: number,
  argument: string,
  expectedLength?: number,
): Int32Array {
  assertInteger(numClasses, 'numClasses', 1);
  const isArrayLike = labels instanceof Int32Array || Array.isArray(labels) || ArrayBuffer.isView(labels);
  if (!isArrayLike || labels instanceof DataView) {
    throw new AnlError(
      'INVALID_LABELS',
      `${argument} must be an Int32Array of class labels, got ${describeValue(labels)}`,
      {
        argument,
      },
    );
  }
  const list = labels as ArrayLike<unknown>;
  if (expectedLength !== undefined && list.length !== expectedLength) {
    throw new AnlError(
      'INVALID_LABELS',
      `${argument} must have length ${expectedLength} (the batch size), got ${list.length}`,
      { argument },
    );
  }
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new AnlError(
        'INVALID_LABELS',
        `${argument}[${i}] must be an integer in [0, ${numClasses}), got ${describeValue(c)}`,
        { argument },
      );
    }
  }
  return labels instanceof Int32Array ? labels : Int32Array.from(list as ArrayLike<number>);
}
