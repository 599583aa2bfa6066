// The one place the CLI learns which noise methods exist. Today @anl/core exports the list; when the
// method registry lands, swap these two functions for listNoiseMethods() / getNoiseMethod(name) and
// every command (choices, help, compare grids) follows.
import { NOISE_METHODS, type NoiseMethod } from '@anl/core';

/** Names `--method` / `--methods` accept ('none' is the baseline: no noise). */
export function listMethods(): readonly string[] {
  return NOISE_METHODS;
}

/** True when the method takes an eps (every method except the baseline). */
export function methodTakesEps(method: string): boolean {
  return method !== 'none';
}

/** The name trainWithNoise takes. */
export function trainerMethod(method: string): NoiseMethod {
  return method as NoiseMethod;
}
