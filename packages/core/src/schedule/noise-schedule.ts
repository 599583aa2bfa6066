import { AnlError, invalidArgument } from '../errors';
import { assertFinite, assertInteger } from '../shape';
import type { StepSettings } from '../training/algorithm';

/** ANP's settings for a range of epochs `[from, to)`. */
export interface AnpPhase {
  readonly from: number;
  readonly to: number;
  readonly eps: number;
  readonly alpha: number;
  readonly passes: number;
}

/**
 * What noise each epoch gets. `eps` is a constant or a function of the (0-based) epoch. Noise is
 * on for epochs `< noiseEpochs` and off after (the paper's Table 3: noise for the first half).
 * `anpPhases`, when given, override eps/alpha/passes inside their ranges and switch noise off
 * outside them (the ANP authors' VGG schedule).
 */
export interface NoiseSchedule {
  readonly eps: number | ((epoch: number) => number);
  readonly noiseEpochs?: number;
  readonly anpPhases?: readonly AnpPhase[];
}

/** The step settings of `epoch` under `schedule`. Throws AnlError on a bad schedule or epoch. */
export function settingsForEpoch(schedule: NoiseSchedule, epoch: number): StepSettings {
  if (typeof schedule !== 'object' || schedule === null)
    invalidArgument('schedule', 'an object { eps, ... }', schedule);
  assertInteger(epoch, 'epoch', 0);
  if (schedule.noiseEpochs !== undefined) assertInteger(schedule.noiseEpochs, 'schedule.noiseEpochs', 0);
  const noiseByEpochs = schedule.noiseEpochs === undefined || epoch < schedule.noiseEpochs;
  if (schedule.anpPhases !== undefined) {
    const phase = findPhase(schedule.anpPhases, epoch);
    if (phase === undefined) return { eps: 0, noise: false };
    return { eps: phase.eps, noise: noiseByEpochs, anpAlpha: phase.alpha, anpPasses: phase.passes };
  }
  const eps = typeof schedule.eps === 'function' ? schedule.eps(epoch) : schedule.eps;
  assertFinite(eps, typeof schedule.eps === 'function' ? `schedule.eps(${epoch})` : 'schedule.eps');
  return { eps, noise: noiseByEpochs };
}

function findPhase(phases: readonly AnpPhase[], epoch: number): AnpPhase | undefined {
  phases.forEach((p, i) => {
    assertInteger(p.from, `schedule.anpPhases[${i}].from`, 0);
    assertInteger(p.to, `schedule.anpPhases[${i}].to`, p.from);
    assertFinite(p.eps, `schedule.anpPhases[${i}].eps`);
    assertFinite(p.alpha, `schedule.anpPhases[${i}].alpha`);
    assertInteger(p.passes, `schedule.anpPhases[${i}].passes`, 1);
  });
  const hits = phases.filter((p) => epoch >= p.from && epoch < p.to);
  if (hits.length > 1) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `schedule.anpPhases must not overlap, got ${hits.length} phases containing epoch ${epoch}`,
      {
        argument: 'schedule.anpPhases',
      },
    );
  }
  return hits[0];
}

/**
 * The ANP authors' VGG-16 / CIFAR-10 schedule (SPEC): epochs 0-39 clean, 40-59 (eps 0.3, alpha 0.7,
 * k 3), 60-79 (1.0, 1.0, 3), 80-99 (0.3, 0.7, 3), 100-119 clean. Use with the ANP method.
 */
export const ANP_VGG16_CIFAR10_SCHEDULE: NoiseSchedule = {
  eps: 0,
  anpPhases: [
    { from: 40, to: 60, eps: 0.3, alpha: 0.7, passes: 3 },
    { from: 60, to: 80, eps: 1.0, alpha: 1.0, passes: 3 },
    { from: 80, to: 100, eps: 0.3, alpha: 0.7, passes: 3 },
  ],
};

/** The ANL paper's Table 3 schedule: constant eps with noise for the first half of `epochs`. */
export function halfNoiseSchedule(eps: number, epochs: number): NoiseSchedule {
  assertFinite(eps, 'eps');
  assertInteger(epochs, 'epochs', 1);
  return { eps, noiseEpochs: Math.ceil(epochs / 2) };
}
