import { AnlError, describeValue, invalidArgument } from '../errors';
import { assertInteger } from '../shape';
import type { NoiseMethod, StdMode } from './algorithm';

/** How `createTrainingAlgorithm` builds a method. */
export interface TrainingAlgorithmOptions {
  readonly method: NoiseMethod;
  /** s(h): `'batch'` (this batch's std, the paper; default) or `'running'` (the authors' code). */
  readonly std?: StdMode;
  /** Momentum of the running std (default 0.9). */
  readonly runningMomentum?: number;
  /** Number of classes: required by CANL (its class cache), used to check labels otherwise. */
  readonly numClasses?: number;
  /** Gaussian: multiply the noise by s(h) (default false: N(0, (eps/4)^2) as in the paper's table). */
  readonly gaussianScaleByStd?: boolean;
  /** ANP: momentum of the noise buffer when the step settings give none (default 0.7). */
  readonly anpAlpha?: number;
  /** ANP: passes per batch when the step settings give none (default 3). */
  readonly anpPasses?: number;
}

/** The options with defaults filled in. */
export interface ResolvedOptions {
  readonly method: NoiseMethod;
  readonly std: StdMode;
  readonly runningMomentum: number;
  readonly numClasses?: number;
  readonly gaussianScaleByStd: boolean;
  readonly anpAlpha: number;
  readonly anpPasses: number;
}

export const NOISE_METHODS: readonly NoiseMethod[] = ['none', 'anl', 'canl', 'lat', 'gaussian', 'anp'];

/** Checks every option and fills defaults; throws AnlError naming the bad option. */
export function resolveOptions(options: TrainingAlgorithmOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalidArgument('options', 'an object', options);
  if (!NOISE_METHODS.includes(options.method)) {
    throw new AnlError(
      'UNKNOWN_METHOD',
      `options.method must be one of ${NOISE_METHODS.map((m) => `'${m}'`).join(', ')}, got ${describeValue(options.method)}`,
      { argument: 'options.method' },
    );
  }
  const std = options.std ?? 'batch';
  if (std !== 'batch' && std !== 'running') invalidArgument('options.std', "'batch' or 'running'", std);
  const runningMomentum = options.runningMomentum ?? 0.9;
  if (typeof runningMomentum !== 'number' || !(runningMomentum >= 0 && runningMomentum <= 1)) {
    invalidArgument('options.runningMomentum', 'a number in [0, 1]', runningMomentum);
  }
  if (options.numClasses !== undefined) assertInteger(options.numClasses, 'options.numClasses', 1);
  if (options.method === 'canl' && options.numClasses === undefined) {
    invalidArgument(
      'options.numClasses',
      "an integer >= 1 (method 'canl' keeps one gradient per class)",
      undefined,
    );
  }
  const gaussianScaleByStd = options.gaussianScaleByStd ?? false;
  if (typeof gaussianScaleByStd !== 'boolean')
    invalidArgument('options.gaussianScaleByStd', 'a boolean', gaussianScaleByStd);
  const anpAlpha = options.anpAlpha ?? 0.7;
  if (typeof anpAlpha !== 'number' || !Number.isFinite(anpAlpha))
    invalidArgument('options.anpAlpha', 'a finite number', anpAlpha);
  const anpPasses = options.anpPasses ?? 3;
  assertInteger(anpPasses, 'options.anpPasses', 1);
  return {
    method: options.method,
    std,
    runningMomentum,
    numClasses: options.numClasses,
    gaussianScaleByStd,
    anpAlpha,
    anpPasses,
  };
}
