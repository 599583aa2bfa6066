import { readFileSync } from 'node:fs';
import { AnlError } from '@anl/core';
import { formatHelp, parseCommandArgs } from './args';
import type { Command } from './command';
import { attackCommand } from './commands/attack';
import { compareCommand } from './commands/compare';
import { evalCommand } from './commands/eval';
import { reportCommand } from './commands/report';
import { trainCommand } from './commands/train';

export const COMMANDS: readonly Command[] = [
  trainCommand,
  evalCommand,
  attackCommand,
  compareCommand,
  reportCommand,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: anl <command> [options]   (anl <command> --help for its options)

Adversarial-noise training and robustness testing for TensorFlow.js.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Exit codes: 0 done, 1 failed (e.g. a sweep cell), 2 bad arguments or missing data.
`;
}

/**
 * Runs `anl` with `argv` (without node and the script); returns the exit code. Results go to stdout
 * (JSON with --json), progress and errors to stderr. Bad input is an AnlError: message on stderr (and a
 * JSON `error` on stdout with --json), exit code 2.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(topHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const json = rest.includes('--json');
  try {
    if (command === undefined) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `unknown command ${JSON.stringify(name)}, expected one of ${COMMANDS.map((c) => c.name).join(', ')}`,
        {
          argument: 'command',
        },
      );
    }
    const args = parseCommandArgs(command.name, command.options, rest);
    if (args.values.help) {
      process.stdout.write(formatHelp(command.usage, command.description, command.options));
      return 0;
    }
    if (command.name !== 'report' && args.positionals.length > 0) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `anl ${command.name}: unexpected argument ${JSON.stringify(args.positionals[0])} (see anl ${command.name} --help)`,
        {
          argument: args.positionals[0],
        },
      );
    }
    return await command.run(args);
  } catch (error) {
    if (error instanceof AnlError) {
      process.stderr.write(`anl ${name}: error [${error.code}]: ${error.message}\n`);
      if (json)
        process.stdout.write(
          `${JSON.stringify({ error: { code: error.code, message: error.message, argument: error.argument } })}\n`,
        );
      return 2;
    }
    process.stderr.write(
      `anl ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
