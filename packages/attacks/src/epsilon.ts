import { AnlError, invalidArgument } from '@anl/core';
import type { Bounds } from './bounds';

/**
 * An attack strength, given exactly one way:
 * - `eps`: in the model's input units (the PNI paper's 8/255 on [0, 1] inputs);
 * - `delta`: on the 0–255 pixel scale of the ANL paper (Table 4), converted as eps = delta/255 · (hi − lo).
 * The scale is never guessed from the data.
 */
export type Strength = { eps: number; delta?: undefined } | { delta: number; eps?: undefined };

/** Same idea for a list of strengths (a robustness curve in one call). */
export type Strengths =
  | { epsilons: readonly number[]; deltas?: undefined }
  | { deltas: readonly number[]; epsilons?: undefined };

/** The eps (input units) that `delta` (0–255 pixel scale) means for inputs in `bounds`. */
export function deltaToEps(delta: number, bounds: Bounds): number {
  return (delta / 255) * (bounds[1] - bounds[0]);
}

function checkNonNegative(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalidArgument(argument, 'a finite number >= 0', value);
  }
  return value;
}

/** Resolves `{ eps }` or `{ delta }` to eps in input units; both or neither is an error. */
export function resolveStrength(
  options: { eps?: unknown; delta?: unknown },
  bounds: Bounds,
  prefix = 'options',
): { eps: number; delta?: number } {
  const hasEps = options.eps !== undefined;
  const hasDelta = options.delta !== undefined;
  if (hasEps === hasDelta) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `exactly one of ${prefix}.eps (input units) or ${prefix}.delta (0-255 pixel scale) must be given, got ${
        hasEps ? 'both' : 'neither'
      }`,
      { argument: `${prefix}.${hasEps ? 'delta' : 'eps'}` },
    );
  }
  if (hasEps) return { eps: checkNonNegative(options.eps, `${prefix}.eps`) };
  const delta = checkNonNegative(options.delta, `${prefix}.delta`);
  return { eps: deltaToEps(delta, bounds), delta };
}

/** Resolves `{ epsilons }` or `{ deltas }` to a list of `{ eps, delta? }`; both or neither is an error. */
export function resolveStrengths(
  options: { epsilons?: unknown; deltas?: unknown },
  bounds: Bounds,
  prefix = 'options',
): { eps: number; delta?: number }[] {
  const hasEps = options.epsilons !== undefined;
  const hasDelta = options.deltas !== undefined;
  if (hasEps === hasDelta) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `exactly one of ${prefix}.epsilons (input units) or ${prefix}.deltas (0-255 pixel scale) must be given, got ${
        hasEps ? 'both' : 'neither'
      }`,
      { argument: `${prefix}.${hasEps ? 'deltas' : 'epsilons'}` },
    );
  }
  const name = hasEps ? 'epsilons' : 'deltas';
  const list = hasEps ? options.epsilons : options.deltas;
  if (!Array.isArray(list) || list.length === 0) {
    invalidArgument(`${prefix}.${name}`, 'a non-empty array of numbers >= 0', list);
  }
  return list.map((v, i) => {
    const value = checkNonNegative(v, `${prefix}.${name}[${i}]`);
    return hasEps ? { eps: value } : { eps: deltaToEps(value, bounds), delta: value };
  });
}
