import { AnlError, invalidArgument } from '@anl/core';
import { Tensor } from '@tensorflow/tfjs-core';

/** `[2, 3]` for messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A live tf.Tensor, or INVALID_ARGUMENT naming `argument`. */
export function checkTensor(t: unknown, argument: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) invalidArgument(argument, 'a tf.Tensor', t);
  if (t.isDisposed) invalidArgument(argument, 'a tensor that is not disposed', 'a disposed tensor');
}

export function checkValidShape(shape: unknown, argument: string): asserts shape is readonly number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    invalidArgument(argument, 'an array of non-negative integers', shape);
  }
}

/** SHAPE_MISMATCH naming `argument` unless `got` equals `expected`. */
export function checkShape(got: readonly number[], expected: readonly number[], argument: string): void {
  if (!sameShape(got, expected)) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have shape ${formatShape(expected)}, got ${formatShape(got)}`,
      {
        argument,
      },
    );
  }
}

/** SHAPE_MISMATCH unless `shape` has a batch axis (rank >= 1). */
export function checkBatched(shape: readonly number[], argument: string): void {
  if (shape.length < 1) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have rank >= 1 ([B, ...]), got ${formatShape(shape)}`,
      {
        argument,
      },
    );
  }
}

export function checkFinite(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalidArgument(argument, 'a finite number', value);
}

export function checkSeed(seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    invalidArgument('seed', 'an unsigned 32-bit integer', seed);
  }
}

/** Host row indices: an Int32Array whose every entry lies in [0, rows). */
export function checkRowIndices(
  indices: unknown,
  rows: number,
  argument: string,
): asserts indices is Int32Array {
  if (!(indices instanceof Int32Array)) invalidArgument(argument, 'an Int32Array', indices);
  for (let k = 0; k < indices.length; k++) {
    if (indices[k] < 0 || indices[k] >= rows) {
      throw new AnlError('INVALID_ARGUMENT', `${argument}[${k}] must be in [0, ${rows}), got ${indices[k]}`, {
        argument,
      });
    }
  }
}
