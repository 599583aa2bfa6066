import { AnlError, invalidArgument } from './errors';
import { assertValidShape, formatShape, shapeSize } from './shape';

// Argument checks every TensorOpsV1 implementation makes the same way, so that all adapters
// refuse bad input with the same codes and messages (the conformance kit checks them).

/** Throws INVALID_ARGUMENT unless `seed` is an unsigned 32-bit integer (what core's RNG hands out). */
export function assertSeed(seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    invalidArgument('seed', 'an unsigned 32-bit integer', seed);
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

/** `fromArray`'s checks: a valid shape, and `values` an array or Float32Array of the shape's size. */
export function assertFromArrayArguments(
  values: unknown,
  shape: unknown,
): asserts values is Float32Array | readonly number[] {
  assertValidShape(shape, 'shape');
  if (!(values instanceof Float32Array) && !Array.isArray(values)) {
    invalidArgument('values', 'a Float32Array or an array of numbers', values);
  }
  if (values.length !== shapeSize(shape)) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `values must have ${shapeSize(shape)} elements for shape ${formatShape(shape)}, got ${values.length}`,
      { argument: 'values' },
    );
  }
}
