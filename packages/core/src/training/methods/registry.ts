import { AnlError, describeValue, invalidArgument } from '../../errors';
import { anlMethod } from './anl-method';
import { anpMethod } from './anp-method';
import { canlMethod } from './canl-method';
import { fastAtMethod } from './fast-at-method';
import { fgsmAtMethod } from './fgsm-at-method';
import { gaussianMethod } from './gaussian-method';
import { latMethod } from './lat-method';
import type { NoiseMethodDefinition } from './method-definition';
import { noneMethod } from './none-method';
import { pgdAtMethod } from './pgd-at-method';
import { tradesMethod } from './trades-method';

/** The methods of SPEC.md, then the input-space defences, registered below: the one place that lists them. */
const BUILT_IN_METHODS = [
  noneMethod,
  anlMethod,
  canlMethod,
  latMethod,
  gaussianMethod,
  anpMethod,
  fgsmAtMethod,
  pgdAtMethod,
  fastAtMethod,
  tradesMethod,
] as const;

/** The method a noise layer is placed for when none is named. */
export const DEFAULT_NOISE_METHOD: BuiltInNoiseMethod = anlMethod.name;

/** The baseline: the method that trains without noise (what tools compare every method against). */
export const BASELINE_METHOD: BuiltInNoiseMethod = noneMethod.name;

/** The names of the built-in methods. */
export type BuiltInNoiseMethod = (typeof BUILT_IN_METHODS)[number]['name'];

type AnyDefinition = NoiseMethodDefinition<any>;

const registry = new Map<string, AnyDefinition>(BUILT_IN_METHODS.map((m) => [m.name, m]));
const builtInNames = new Set<string>(BUILT_IN_METHODS.map((m) => m.name));

const NAME_PATTERN = /^[a-z][a-z0-9_-]*$/;

/**
 * Adds a noise method so `createTrainingAlgorithm`, `fit`, `trainWithNoise` and `noiseLayer` accept
 * its name. Throws AnlError when the definition is malformed or its name is taken.
 */
export function registerNoiseMethod<O extends object>(definition: NoiseMethodDefinition<O>): void {
  if (typeof definition !== 'object' || definition === null)
    invalidArgument('definition', 'a NoiseMethodDefinition object', definition);
  const { name } = definition;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    invalidArgument('definition.name', "a lower-case name such as 'my-method' ([a-z][a-z0-9_-]*)", name);
  }
  if (registry.has(name)) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `definition.name: a noise method named '${name}' is already registered`,
      {
        argument: 'definition.name',
      },
    );
  }
  for (const flag of ['injectsNoise', 'needsLabels'] as const) {
    if (typeof definition[flag] !== 'boolean')
      invalidArgument(`definition.${flag}`, 'a boolean', definition[flag]);
  }
  if (
    definition.perturbs !== undefined &&
    definition.perturbs !== 'activations' &&
    definition.perturbs !== 'inputs'
  )
    invalidArgument('definition.perturbs', "'activations' or 'inputs'", definition.perturbs);
  if (definition.needsLossPass !== undefined && typeof definition.needsLossPass !== 'boolean')
    invalidArgument('definition.needsLossPass', 'a boolean', definition.needsLossPass);
  if (typeof definition.usesStd !== 'boolean' && typeof definition.usesStd !== 'function') {
    invalidArgument('definition.usesStd', 'a boolean or (options) => boolean', definition.usesStd);
  }
  if (typeof definition.createRunner !== 'function')
    invalidArgument(
      'definition.createRunner',
      'a function (context) => MethodRunner | null',
      definition.createRunner,
    );
  if (typeof definition.options !== 'object' || definition.options === null)
    invalidArgument('definition.options', 'an object of option specs ({} for none)', definition.options);
  for (const [key, spec] of Object.entries(definition.options as Record<string, unknown>)) {
    const s = spec as { check?: unknown } | null;
    if (typeof s !== 'object' || s === null || typeof s.check !== 'function' || !('default' in s)) {
      invalidArgument(`definition.options.${key}`, '{ default, check(value, argument) }', spec);
    }
  }
  for (const [legacy, key] of Object.entries(definition.legacyOptions ?? {})) {
    if (!(key in definition.options))
      invalidArgument(`definition.legacyOptions.${legacy}`, 'an option name', key);
  }
  registry.set(name, definition as AnyDefinition);
}

/** Removes a method added with `registerNoiseMethod` (built-ins stay). Returns whether it was there. */
export function unregisterNoiseMethod(name: string): boolean {
  if (builtInNames.has(name))
    invalidArgument('name', 'the name of a method added with registerNoiseMethod', name);
  return registry.delete(name);
}

/** The registered methods' names, built-ins first, in registration order. */
export function listNoiseMethods(): string[] {
  return [...registry.keys()];
}

/** The definition registered under `name`; throws UNKNOWN_METHOD naming `argument` otherwise. */
export function getNoiseMethod(name: string, argument = 'method'): AnyDefinition {
  const definition = typeof name === 'string' ? registry.get(name) : undefined;
  if (definition === undefined) {
    throw new AnlError(
      'UNKNOWN_METHOD',
      `${argument} must be one of ${listNoiseMethods()
        .map((m) => `'${m}'`)
        .join(', ')}, got ${describeValue(name)}`,
      { argument },
    );
  }
  return definition;
}

/** True when `name` is a registered method. */
export function hasNoiseMethod(name: unknown): boolean {
  return typeof name === 'string' && registry.has(name);
}
