// The one place the CLI learns which noise methods exist: @anl/core's registry, so a method added with
// registerNoiseMethod (before the CLI parses its arguments) appears in choices, help and compare grids.
import { BASELINE_METHOD, getNoiseMethod, listNoiseMethods, type NoiseMethod } from '@anl/core';

/** Names `--method` / `--methods` accept (the baseline is the method that injects no noise). */
export function listMethods(): readonly string[] {
  return listNoiseMethods();
}

/** The method every comparison is read against. */
export const baselineMethod: string = BASELINE_METHOD;

/** True when the method takes an eps (every method that perturbs activations or inputs). */
export function methodTakesEps(method: string): boolean {
  return getNoiseMethod(method).injectsNoise;
}

/** What eps means for `method`: a noise magnitude at the noise layers, or an L∞ input radius (adversarial training). */
export function methodEpsMeaning(method: string): 'noise magnitude' | 'L∞ input radius' | null {
  const definition = getNoiseMethod(method);
  if (!definition.injectsNoise) return null;
  return definition.perturbs === 'inputs' ? 'L∞ input radius' : 'noise magnitude';
}

/** The name trainWithNoise takes. */
export function trainerMethod(method: string): NoiseMethod {
  return method as NoiseMethod;
}
