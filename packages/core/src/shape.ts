import { AnlError, describeValue, invalidArgument } from './errors';

/** Number of elements of `shape` (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** `[2, 3]` for messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws INVALID_ARGUMENT unless `shape` is an array of non-negative integers. */
export function assertValidShape(shape: unknown, argument: string): asserts shape is readonly number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    invalidArgument(argument, 'an array of non-negative integers', shape);
  }
}

/** Throws SHAPE_MISMATCH naming `argument` unless `got` equals `expected`. */
export function assertShape(got: readonly number[], expected: readonly number[], argument: string): void {
  if (!shapesEqual(got, expected)) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have shape ${formatShape(expected)}, got ${formatShape(got)}`,
      { argument },
    );
  }
}

/** Throws SHAPE_MISMATCH unless `shape` has rank >= 1 (a batch of samples along axis 0). */
export function assertBatched(shape: readonly number[], argument: string): void {
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

/** Throws INVALID_ARGUMENT unless `value` is a finite number. */
export function assertFinite(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalidArgument(argument, 'a finite number', value);
}

/** Throws INVALID_ARGUMENT unless `value` is an integer >= `min`. */
export function assertInteger(value: unknown, argument: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalidArgument(argument, `an integer >= ${min}`, value);
  }
}

export { describeValue };
