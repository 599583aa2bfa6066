import { AnlError, invalidArgument } from '../errors';
import { assertInteger } from '../shape';
import type { NoiseMethod, StdMode } from './algorithm';
import type { NoiseMethodDefinition } from './methods/method-definition';
import { getNoiseMethod } from './methods/registry';
import {
  assertKnownKeys,
  legacyOptionKeys,
  type MethodOptionsInput,
  resolveMethodOptions,
} from './methods/resolve-method-options';

/** How `createTrainingAlgorithm` builds a method. */
export interface TrainingAlgorithmOptions {
  /** A registered method (`listNoiseMethods()`): the built-ins or one added with `registerNoiseMethod`. */
  readonly method: NoiseMethod;
  /** s(h): `'batch'` (this batch's std, the paper; default) or `'running'` (the authors' code). */
  readonly std?: StdMode;
  /** Momentum of the running std (default 0.9). */
  readonly runningMomentum?: number;
  /** Number of classes: required by methods that need labels (CANL), used to check labels otherwise. */
  readonly numClasses?: number;
  /** Each method's own options under its name, e.g. `{ anp: { passes: 2, alpha: 0.7 } }`. */
  readonly methodOptions?: MethodOptionsInput;
  /** @deprecated Use `methodOptions: { gaussian: { scaleByStd } }`. */
  readonly gaussianScaleByStd?: boolean;
  /** @deprecated Use `methodOptions: { anp: { alpha } }`. */
  readonly anpAlpha?: number;
  /** @deprecated Use `methodOptions: { anp: { passes } }`. */
  readonly anpPasses?: number;
}

/** The option keys `createTrainingAlgorithm` reads (legacy flat keys come from the registry). */
export const ALGORITHM_OPTION_KEYS: readonly string[] = [
  'method',
  'std',
  'runningMomentum',
  'numClasses',
  'methodOptions',
];

/** Every key `TrainingAlgorithmOptions` accepts now: the common ones plus registered legacy keys. */
export function algorithmOptionKeys(): Set<string> {
  return new Set([...ALGORITHM_OPTION_KEYS, ...legacyOptionKeys().keys()]);
}

/** The options with defaults filled in. */
export interface ResolvedOptions {
  readonly method: NoiseMethod;
  readonly definition: NoiseMethodDefinition<object>;
  readonly std: StdMode;
  readonly runningMomentum: number;
  readonly numClasses?: number;
  /** The selected method's own options, checked, with defaults. */
  readonly methodOptions: Readonly<Record<string, unknown>>;
}

/**
 * Checks every option and fills defaults; throws AnlError naming the bad option. `extraKeys` are
 * keys a caller's wider options object may also hold (a trainer's `epochs`, ...); any other key is
 * refused by name.
 */
export function resolveOptions(
  options: TrainingAlgorithmOptions,
  extraKeys: ReadonlySet<string> = new Set(),
  prefix = 'options',
): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalidArgument(prefix, 'an object', options);
  const definition = getNoiseMethod(options.method, `${prefix}.method`) as NoiseMethodDefinition<object>;
  assertKnownKeys(options, new Set([...algorithmOptionKeys(), ...extraKeys]), prefix);
  const std = options.std ?? 'batch';
  if (std !== 'batch' && std !== 'running') invalidArgument(`${prefix}.std`, "'batch' or 'running'", std);
  const runningMomentum = options.runningMomentum ?? 0.9;
  if (typeof runningMomentum !== 'number' || !(runningMomentum >= 0 && runningMomentum <= 1)) {
    invalidArgument(`${prefix}.runningMomentum`, 'a number in [0, 1]', runningMomentum);
  }
  if (options.numClasses !== undefined) assertInteger(options.numClasses, `${prefix}.numClasses`, 1);
  if (definition.needsLabels && options.numClasses === undefined) {
    invalidArgument(
      `${prefix}.numClasses`,
      `an integer >= 1 (method '${definition.name}' needs class labels)`,
      undefined,
    );
  }
  const methodOptions = resolveMethodOptions(
    definition,
    options.methodOptions,
    options as unknown as Record<string, unknown>,
    prefix,
  );
  const usesStd =
    typeof definition.usesStd === 'function' ? definition.usesStd(methodOptions) : definition.usesStd;
  if (std === 'running' && !usesStd) {
    // Silently ignoring it would let a user believe the running std shaped the noise.
    throw new AnlError(
      'UNSUPPORTED',
      `${prefix}.std: 'running' has no effect with method '${definition.name}' (it does not use s(h)); leave std unset`,
      { argument: `${prefix}.std` },
    );
  }
  return {
    method: options.method,
    definition,
    std,
    runningMomentum,
    numClasses: options.numClasses,
    methodOptions,
  };
}
