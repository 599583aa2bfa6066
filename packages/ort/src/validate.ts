import { AnlError, formatShape, invalidArgument } from '@anl/core';
import { OrtLazyTensor } from './lazy/ort-lazy-tensor';

/** Throws INVALID_ARGUMENT unless `t` is a float tensor of `OrtTensorOps`. */
export function assertLazyTensor(t: unknown, argument: string): asserts t is OrtLazyTensor {
  if (!(t instanceof OrtLazyTensor) || t.dataType !== 'float') {
    invalidArgument(argument, 'a tensor of OrtTensorOps (OrtLazyTensor)', t);
  }
}

/** Throws INVALID_ARGUMENT unless `shape` is an array of non-negative integers. */
export function assertValidShape(shape: unknown, argument: string): asserts shape is readonly number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    invalidArgument(argument, 'an array of non-negative integers', shape);
  }
}

/** Throws INVALID_ARGUMENT unless `value` is a finite number. */
export function assertFinite(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalidArgument(argument, 'a finite number', value);
}

/** Throws SHAPE_MISMATCH unless `t` has rank >= 1 (a batch along axis 0). */
export function assertBatched(t: OrtLazyTensor, argument: string): void {
  if (t.shape.length < 1) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have rank >= 1 ([B, ...]), got ${formatShape(t.shape)}`,
      {
        argument,
      },
    );
  }
}

/** Throws INVALID_ARGUMENT unless `indices` is an Int32Array with every entry in [0, rows). */
export function assertRowIndices(
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

/** Throws INVALID_ARGUMENT unless `seed` is an unsigned 32-bit integer. */
export function assertSeed(seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    invalidArgument('seed', 'an unsigned 32-bit integer', seed);
  }
}
