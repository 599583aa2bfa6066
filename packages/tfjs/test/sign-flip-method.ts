// A whole noise method in one file, written as a user would: only @anl/core's public API.
import { applyWeightGradients, finiteNumberOption, type NoiseMethodDefinition, runPass } from '@anl/core';

export interface SignFlipOptions {
  /** Multiplies eps (default 1). */
  readonly gain: number;
}

/**
 * "Sign flip": one pass that adds gain · eps · sign(h) at every noise point (pushes each activation
 * away from zero), then one optimizer update.
 */
export const signFlipMethod: NoiseMethodDefinition<SignFlipOptions> = {
  name: 'sign-flip',
  summary: 'gain · eps · sign(h) at every noise point, one pass',
  injectsNoise: true,
  needsLabels: false,
  usesStd: false,
  options: { gain: finiteNumberOption(1, 'multiplies eps') },
  createRunner: ({ ops, options }) => ({
    step: ({ model, batch, settings }) => {
      const result = runPass(model, {
        x: batch.x,
        y: batch.y,
        batchSize: batch.batchSize,
        noise: (_t, h) => ops.tidy(() => ops.scale(ops.sign(h), options.gain * settings.eps)),
        weightGradients: true,
        noiseGradients: false,
      });
      try {
        applyWeightGradients(model, result);
      } catch (error) {
        ops.dispose(result.loss);
        throw error;
      }
      return result.loss;
    },
    stateBytes: () => 0,
    dispose: () => {},
  }),
};
