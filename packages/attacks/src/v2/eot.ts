import { AnlError, invalidArgument } from '@anl/core';
import type { AttackClassifier, ClassifierGradient, OutputGradient } from './attack-classifier';
import { type CheckedRun, gradientOf } from './attack-run';

/**
 * Expectation over Transformation (Athalye et al. 2018): the input gradient averaged over `draws`
 * forward passes, each with its own noise draw and the loss weight of its own logits. Logits returned
 * are the mean over the draws. With draws = 1 it is the plain gradient.
 */
export async function eotGradient<T>(
  run: CheckedRun<T>,
  x: T,
  w: OutputGradient,
  draws: number,
): Promise<ClassifierGradient<T>> {
  const ops = run.ops;
  let first = await gradientOf(run, x, w);
  if (draws === 1) return first;
  const logits = Float32Array.from(first.logits);
  let sum = first.gradient;
  for (let d = 1; d < draws; d++) {
    let next: ClassifierGradient<T>;
    try {
      next = await gradientOf(run, x, w);
    } catch (error) {
      ops.dispose(sum);
      throw error;
    }
    for (let i = 0; i < logits.length; i++) logits[i] += next.logits[i];
    const added = ops.add(sum, next.gradient);
    ops.dispose([sum, next.gradient]);
    sum = added;
  }
  first = { logits: logits.map((v) => v / draws), gradient: ops.scale(sum, 1 / draws) };
  ops.dispose(sum);
  return first;
}

/**
 * How many draws an attack averages: the setting when given, else `fallback` for a stochastic
 * classifier (AutoAttack's 'rand' version uses 20) and 1 for a deterministic one.
 */
export function eotDraws(setting: unknown, classifier: AttackClassifier<unknown>, fallback = 20): number {
  if (setting === undefined) return classifier.stochastic ? fallback : 1;
  if (typeof setting !== 'number' || !Number.isInteger(setting) || setting < 1) {
    invalidArgument('settings.eot', 'an integer >= 1 (gradient draws to average)', setting);
  }
  return setting;
}

/** Checks an integer setting >= min. */
export function integerSetting(value: unknown, argument: string, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    invalidArgument(argument, `an integer >= ${min}`, value);
  }
  return v;
}

/** Checks a finite positive number setting. */
export function positiveSetting(value: unknown, argument: string, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    invalidArgument(argument, 'a finite number > 0', value);
  return v;
}

/** Checks an optional boolean setting. */
export function booleanSetting(value: unknown, argument: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidArgument(argument, 'true or false', value);
  return value;
}

export function unreachable(what: string): never {
  throw new AnlError('UNSUPPORTED', what);
}
