import { parseArgs } from 'node:util';
import { AnlError } from '@anl/core';

/** One option as node:util parseArgs takes it, plus the line `--help` prints for it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  help: string;
  /** Placeholder shown in help, e.g. "N" or "LIST". */
  value?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed options (strings and booleans) and positionals of one command line. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses argv against `specs`; unknown options and missing values become INVALID_ARGUMENT errors. */
export function parseCommandArgs(command: string, specs: OptionSpecs, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    const out: ParsedArgs['values'] = {};
    for (const [name, spec] of Object.entries(specs)) {
      const v = (values as Record<string, string | boolean | undefined>)[name];
      out[name] = v ?? spec.default;
    }
    return { values: out, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AnlError('INVALID_ARGUMENT', `anl ${command}: ${message} (see anl ${command} --help)`, {
      argument: command,
      cause: error,
    });
  }
}

export function refuse(option: string, expected: string, got: string): never {
  throw new AnlError('INVALID_ARGUMENT', `--${option} must be ${expected}, got ${JSON.stringify(got)}`, {
    argument: `--${option}`,
  });
}

/** A finite number (negative allowed: write `--eps=-0.03`, a node:util rule). */
export function numberOption(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) refuse(option, 'a number', text);
  return n;
}

/** An integer >= min. */
export function integerOption(option: string, text: string, min = 1): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min) refuse(option, `an integer >= ${min}`, text);
  return n;
}

/** A comma-separated list of numbers. */
export function numberListOption(option: string, text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) refuse(option, 'a comma-separated list of numbers', text);
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isFinite(n)) refuse(option, 'a comma-separated list of numbers', text);
    return n;
  });
}

/** A comma-separated list of integers >= min. */
export function integerListOption(option: string, text: string, min = 0): number[] {
  const list = numberListOption(option, text);
  if (!list.every((n) => Number.isInteger(n) && n >= min)) {
    refuse(option, `a comma-separated list of integers >= ${min}`, text);
  }
  return list;
}

/** One of `choices`; the error lists them. */
export function choiceOption<T extends string>(
  option: string,
  text: string,
  choices: readonly T[],
  code: 'INVALID_ARGUMENT' | 'UNKNOWN_METHOD' = 'INVALID_ARGUMENT',
): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new AnlError(
      code,
      `--${option}: unknown ${JSON.stringify(text)}, expected one of ${choices.join(', ')}`,
      { argument: `--${option}` },
    );
  }
  return text as T;
}

/** A comma-separated list, each one of `choices`. */
export function choiceListOption<T extends string>(
  option: string,
  text: string,
  choices: readonly T[],
  code: 'INVALID_ARGUMENT' | 'UNKNOWN_METHOD' = 'INVALID_ARGUMENT',
): T[] {
  return text.split(',').map((s) => choiceOption(option, s.trim(), choices, code));
}

/** The `--help` text of a command from its usage line, description and option specs. */
export function formatHelp(usage: string, description: string, specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
    const dflt = spec.default !== undefined && spec.type === 'string' ? ` (default ${spec.default})` : '';
    return [flag, `${spec.help}${dflt}`];
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return `Usage: ${usage}\n\n${description}\n\nOptions:\n${rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n')}\n`;
}
