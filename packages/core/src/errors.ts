import { brandClass } from './brand-class';

/** Why an argument was refused. Stable strings: match on `code`, never on the message. */
export type AnlErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'INVALID_LABELS'
  | 'UNKNOWN_METHOD'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'DATA_FORMAT'
  /** NaN or Infinity where finite numbers are needed (data, loss, gradients). */
  | 'NON_FINITE'
  /** A worker thread of a training pool failed a step with a non-AnlError, or died. */
  | 'WORKER_FAILED';

/**
 * The one error type every @anl package throws for bad input. The message names the argument,
 * what was expected and what was got; `argument` repeats the name for programs.
 */
export class AnlError extends Error {
  readonly code: AnlErrorCode;
  readonly argument?: string;

  constructor(code: AnlErrorCode, message: string, options: { argument?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AnlError';
    this.code = code;
    this.argument = options.argument;
  }
}

// One AnlError for the whole process, even when the ESM and CJS builds are both loaded.
brandClass(AnlError, '@anl/core/AnlError');

/** Short, readable rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value))
    return value.length <= 8 ? `[${value.map(describeValue).join(', ')}]` : `array(${value.length})`;
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  return Object.prototype.toString.call(value);
}

/** Throw an INVALID_ARGUMENT AnlError: `${argument} must be ${expected}, got ${value}`. */
export function invalidArgument(argument: string, expected: string, value: unknown): never {
  throw new AnlError('INVALID_ARGUMENT', `${argument} must be ${expected}, got ${describeValue(value)}`, {
    argument,
  });
}
