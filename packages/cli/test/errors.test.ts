import { describe, expect, it } from 'vitest';
import { jsonOut, runAnl } from './helpers';

describe('anl: help and bad arguments', () => {
  it('answers --help on every command with its usage and options, exit 0', async () => {
    for (const command of ['train', 'eval', 'attack', 'compare', 'report']) {
      const r = await runAnl([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toContain(`Usage: anl ${command}`);
      expect(r.stdout).toContain('--json');
    }
    const top = await runAnl(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/train[\s\S]*eval[\s\S]*attack[\s\S]*compare[\s\S]*report/);
  });

  it('refuses bad arguments with a typed error, exit 2, before loading anything', async () => {
    const cases: [string[], string, RegExp][] = [
      [['train', '--model', 'nope'], 'INVALID_ARGUMENT', /--model: unknown "nope", expected one of lenet5/],
      [['train', '--method', 'anl', '--eps', 'abc'], 'INVALID_ARGUMENT', /--eps must be a number, got "abc"/],
      [['train', '--method', 'anl'], 'INVALID_ARGUMENT', /--eps must be a number for --method anl/],
      [['train', '--method', 'magic', '--eps', '1'], 'UNKNOWN_METHOD', /--method: unknown "magic"/],
      [['train', '--eps', '0.03'], 'INVALID_ARGUMENT', /unset with --method none/],
      [['train', '--epochs', '0'], 'INVALID_ARGUMENT', /--epochs must be an integer >= 1/],
      [['compare', '--seeds', '1,x'], 'INVALID_ARGUMENT', /--seeds must be a comma-separated list/],
      [['compare', '--emit', 'pbs'], 'INVALID_ARGUMENT', /--emit: unknown "pbs"/],
      [
        ['attack', '--attack', 'fgsm,boom', '--model-dir', '.'],
        'INVALID_ARGUMENT',
        /--attack: unknown "boom"/,
      ],
      [
        ['attack', '--attack', 'square', '--queries', '0', '--model-dir', '.'],
        'INVALID_ARGUMENT',
        /--queries must be an integer >= 1/,
      ],
      [['train', '--no-such-flag'], 'INVALID_ARGUMENT', /Unknown option '--no-such-flag'/],
      [['fly'], 'INVALID_ARGUMENT', /unknown command "fly"/],
      [['report'], 'INVALID_ARGUMENT', /at least one result file/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runAnl([...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(jsonOut(r).error, args.join(' ')).toMatchObject({ code });
    }
  });

  it('says where it looked and how to get missing data (NOT_FOUND, exit 2)', async () => {
    const empty = await runAnl(['train', '--data', 'mnist', '--backend', 'cpu'], {
      env: { ...process.env, ANL_DATA_DIR: '/nonexistent', XDG_CACHE_HOME: '/nonexistent' },
    });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('[NOT_FOUND]');
    expect(empty.stderr).toContain('/nonexistent/mnist');
    expect(empty.stderr).toContain('To get it: download train-images-idx3-ubyte.gz');
    const model = await runAnl(['eval', '--model-dir', '/nonexistent/model']);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain('anl train --save-model /nonexistent/model');
  });
});
