import { AnlError, invalidArgument } from '../../errors';
import type { NoiseMethodDefinition } from './method-definition';
import { getNoiseMethod, listNoiseMethods } from './registry';

/** `methodOptions`: each method's own options under its name, e.g. `{ anp: { passes: 2 } }`. */
export type MethodOptionsInput = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

/** Every legacy flat key any registered method accepts, with its method and option. */
export function legacyOptionKeys(): Map<string, { method: string; key: string }> {
  const keys = new Map<string, { method: string; key: string }>();
  for (const name of listNoiseMethods()) {
    for (const [legacy, key] of Object.entries(getNoiseMethod(name).legacyOptions ?? {})) {
      keys.set(legacy, { method: name, key: key as string });
    }
  }
  return keys;
}

/**
 * The selected method's options with defaults filled in. Every entry of `methodOptions` is checked
 * (an unknown method or key is an AnlError naming it), so one options object can serve a sweep
 * over methods; only `method`'s own entry is returned. Legacy flat keys (`anpPasses`) are read from
 * `flat` and checked under their own names.
 */
export function resolveMethodOptions(
  definition: NoiseMethodDefinition<object>,
  methodOptions: MethodOptionsInput | undefined,
  flat: Readonly<Record<string, unknown>>,
  prefix: string,
): Record<string, unknown> {
  const mine: Record<string, unknown> = {};
  if (methodOptions !== undefined) {
    if (typeof methodOptions !== 'object' || methodOptions === null || Array.isArray(methodOptions)) {
      invalidArgument(`${prefix}.methodOptions`, 'an object keyed by method name', methodOptions);
    }
    for (const [name, given] of Object.entries(methodOptions)) {
      const argument = `${prefix}.methodOptions.${name}`;
      const other = getNoiseMethod(name, argument);
      if (given === undefined) continue;
      if (typeof given !== 'object' || given === null || Array.isArray(given))
        invalidArgument(argument, `an object of '${name}' options`, given);
      const checked = checkEntries(other, given, argument);
      if (name === definition.name) Object.assign(mine, checked);
    }
  }
  for (const [legacy, { method, key }] of legacyOptionKeys()) {
    const value = flat[legacy];
    if (value === undefined) continue;
    const owner = getNoiseMethod(method);
    const checked = checkOne(owner, key, value, `${prefix}.${legacy}`);
    if (method === definition.name && !(key in mine)) mine[key] = checked;
  }
  const resolved: Record<string, unknown> = {};
  const specs = definition.options as Record<string, { default: unknown }>;
  for (const key of Object.keys(specs)) resolved[key] = key in mine ? mine[key] : specs[key].default;
  return resolved;
}

function checkEntries(
  definition: NoiseMethodDefinition<object>,
  given: Readonly<Record<string, unknown>>,
  argument: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    out[key] = checkOne(definition, key, value, `${argument}.${key}`);
  }
  return out;
}

function checkOne(
  definition: NoiseMethodDefinition<object>,
  key: string,
  value: unknown,
  argument: string,
): unknown {
  const specs = definition.options as Record<string, { check: (v: unknown, a: string) => unknown }>;
  if (!Object.hasOwn(specs, key)) {
    const known = Object.keys(specs);
    throw new AnlError(
      'INVALID_ARGUMENT',
      `${argument}: unknown option '${key}' for method '${definition.name}' (${known.length === 0 ? 'it takes none' : `known: ${known.join(', ')}`})`,
      { argument },
    );
  }
  return specs[key].check(value, argument);
}

/** Throws AnlError naming the first key of `object` not in `allowed`. */
export function assertKnownKeys(object: object, allowed: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) {
      const argument = `${prefix}.${key}`;
      throw new AnlError('INVALID_ARGUMENT', `${argument}: unknown option '${key}'`, { argument });
    }
  }
}
