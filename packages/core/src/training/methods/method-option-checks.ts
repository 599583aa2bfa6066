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
