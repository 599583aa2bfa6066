import { invalidArgument } from '../../errors';
import type { MethodOptionSpec } from './method-definition';

/** A finite number option (negative allowed). */
export function finiteNumberOption(defaultValue: number, description?: string): MethodOptionSpec<number> {
  return {
    default: defaultValue,
    description,
    check: (value, argument) => {
      if (typeof value !== 'number' || !Number.isFinite(value))
        invalidArgument(argument, 'a finite number', value);
      return value;
    },
  };
}

/** An integer option with a lower bound. */
export function integerOption(
  defaultValue: number,
  min: number,
  description?: string,
): MethodOptionSpec<number> {
  return {
    default: defaultValue,
    description,
    check: (value, argument) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
        invalidArgument(argument, `an integer >= ${min}`, value);
      }
      return value;
    },
  };
}

/** A boolean option. */
export function booleanOption(defaultValue: boolean, description?: string): MethodOptionSpec<boolean> {
  return {
    default: defaultValue,
    description,
    check: (value, argument) => {
      if (typeof value !== 'boolean') invalidArgument(argument, 'a boolean', value);
      return value;
    },
  };
}

/** A number option in [min, max] (or (min, max] with `exclusiveMin`). */
export function rangeOption(
  defaultValue: number,
  min: number,
  max: number,
  description?: string,
  exclusiveMin = false,
): MethodOptionSpec<number> {
  return {
    default: defaultValue,
    description,
    check: (value, argument) => {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (exclusiveMin ? value > min : value >= min) &&
        value <= max;
      if (!ok) invalidArgument(argument, `a number in ${exclusiveMin ? '(' : '['}${min}, ${max}]`, value);
      return value as number;
    },
  };
}

/** A `[lo, hi]` pair of finite numbers with lo < hi (an input range). */
export function boundsOption(
  defaultValue: readonly [number, number],
  description?: string,
): MethodOptionSpec<readonly [number, number]> {
  return {
    default: defaultValue,
    description,
    check: (value, argument) => {
      const ok =
        Array.isArray(value) &&
        value.length === 2 &&
        value.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
        value[0] < value[1];
      if (!ok) invalidArgument(argument, 'a pair [lo, hi] of finite numbers with lo < hi', value);
      return [value[0], value[1]] as const;
    },
  };
}

/** One of a few strings. */
export function choiceOption<S extends string>(
  defaultValue: S,
  choices: readonly S[],
  description?: string,
): MethodOptionSpec<S> {
  return {
    default: defaultValue,
    description,
    check: (value, argument) => {
      if (!choices.includes(value as S))
        invalidArgument(argument, choices.map((c) => `'${c}'`).join(' or '), value);
      return value as S;
    },
  };
}

/** A finite number option >= 0. */
export function nonNegativeOption(defaultValue: number, description?: string): MethodOptionSpec<number> {
  return {
    default: defaultValue,
    description,
    check: (value, argument) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        invalidArgument(argument, 'a finite number >= 0', value);
      return value;
    },
  };
}
