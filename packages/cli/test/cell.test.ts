import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../src/args';
import { type CellSpec, cellArgs, cellId, learningRateAt, shellQuote } from '../src/cell';
import { sweepCells } from '../src/commands/compare';
import { parseCellIdentity, trainCommand } from '../src/commands/train';
import { listMethods, methodEpsMeaning } from '../src/methods';
import { builtModelNames } from '../src/model-builders';
import { listModels } from '../src/models';
import { parseTrainingOptions } from '../src/train-options';

const TRAINING = {
  data: 'embedded',
  epochs: 2,
  batch: 64,
  lr: 0.001,
  optimizer: 'adam' as const,
  attacks: ['fgsm'],
  attackEps: [0, 0.05],
  pgdSteps: 10,
};

describe('cells', () => {
  it('a cell written as an `anl train` command line parses back to the same cell', () => {
    const spec = fc.record({
      model: fc.constantFrom(...listModels()),
      method: fc.constantFrom(...listMethods()),
      eps: fc.double({ min: -1, max: 1, noNaN: true }).filter((x) => !Object.is(x, -0)),
      seed: fc.nat(1000),
      epochs: fc.integer({ min: 1, max: 300 }),
      batch: fc.integer({ min: 1, max: 512 }),
      lr: fc.double({ min: 1e-6, max: 1, noNaN: true }),
      optimizer: fc.constantFrom('adam' as const, 'sgd' as const),
      noiseEpochs: fc.option(fc.nat(100), { nil: undefined }),
      trainLimit: fc.option(fc.integer({ min: 1, max: 60000 }), { nil: undefined }),
      lrDropEvery: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
      lrDropFactor: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
      lrMinAfterNoise: fc.option(fc.constant(true as const), { nil: undefined }),
      attacks: fc.subarray(['fgsm', 'pgd']),
      attackEps: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
      methodOptions: fc.option(
        fc.constant({ trades: { beta: 2, steps: 3 }, 'pgd-at': { randomStart: false } }),
        {
          nil: undefined,
        },
      ),
    });
    fc.assert(
      fc.property(spec, (s) => {
        const cell: CellSpec = {
          ...s,
          eps:
            s.method === 'none'
              ? undefined
              : methodEpsMeaning(s.method) === 'L∞ input radius'
                ? Math.abs(s.eps)
                : s.eps,
          data: 'embedded',
          pgdSteps: 7,
        };
        const args = cellArgs(cell, 'out/x.json');
        expect(args[0]).toBe('train');
        const { values } = parseCommandArgs('train', trainCommand.options, args.slice(1));
        const parsed = { ...parseCellIdentity(values), ...parseTrainingOptions(values) };
        const expected = {
          ...cell,
          attackEps: cell.attacks.length > 0 ? cell.attackEps : [0, 0.02, 0.05, 0.1],
        };
        if (cell.attacks.length === 0) expected.pgdSteps = 10;
        for (const key of Object.keys(parsed) as (keyof CellSpec)[]) {
          if (parsed[key] === undefined) delete parsed[key];
        }
        for (const key of Object.keys(expected) as (keyof CellSpec)[]) {
          if (expected[key] === undefined) delete expected[key];
        }
        expect(parsed).toEqual(expected);
        expect(values.out).toBe('out/x.json');
      }),
      { numRuns: 60 },
    );
  });

  it('--method-options must be a JSON object of objects; a negative radius is refused for input-space methods', () => {
    const parse = (args: string[]) => {
      const { values } = parseCommandArgs('train', trainCommand.options, args);
      return { ...parseCellIdentity(values), ...parseTrainingOptions(values) };
    };
    expect(
      parse(['--method', 'trades', '--eps', '0.1', '--method-options', '{"trades":{"beta":1}}'])
        .methodOptions,
    ).toEqual({
      trades: { beta: 1 },
    });
    for (const bad of ['{', '[1]', '{"trades":3}'])
      expect(() => parse(['--method-options', bad])).toThrow(
        expect.objectContaining({ argument: '--method-options' }),
      );
    expect(() => parse(['--method', 'pgd-at', '--eps=-0.1'])).toThrow(
      expect.objectContaining({ argument: '--eps' }),
    );
    expect(parse(['--method', 'anl', '--eps=-0.1']).eps).toBe(-0.1);
  });

  it('steps the learning rate and holds its minimum once the noise is off (Table 3 protocol)', () => {
    const base = { lr: 0.1, epochs: 30, lrDropEvery: 5 };
    // 0.1 divided by 5 every 5 epochs: 0.1, 0.02, 0.004, 8e-4, 1.6e-4, 3.2e-5.
    expect([0, 4, 5, 10, 29].map((e) => learningRateAt(base, e))).toEqual([
      0.1,
      0.1,
      0.1 * 0.2,
      0.1 * 0.2 ** 2,
      0.1 * 0.2 ** 5,
    ]);
    const table3 = { ...base, noiseEpochs: 15, lrMinAfterNoise: true };
    expect(learningRateAt(table3, 14)).toBeCloseTo(0.1 * 0.2 ** 2, 15);
    expect(learningRateAt(table3, 15)).toBeCloseTo(0.1 * 0.2 ** 5, 15);
    expect(learningRateAt({ lr: 0.001, epochs: 8 }, 7)).toBe(0.001);
  });

  it('the grid has one baseline per model and seed and every method × eps × seed otherwise', () => {
    const cells = sweepCells(
      { models: ['lenet5'], methods: ['none', 'anl', 'canl'], eps: [0.03, -0.03], seeds: [1, 2] },
      TRAINING,
    );
    expect(cells).toHaveLength(2 + 2 * 2 * 2);
    expect(new Set(cells.map(cellId)).size).toBe(cells.length);
    expect(cells.filter((c) => c.method === 'none').every((c) => c.eps === undefined)).toBe(true);
    expect(cellId(cells[0])).toBe('lenet5-none-seed1');
    expect(cellId({ model: 'vgg16', method: 'anl', eps: -0.03, seed: 2 })).toBe('vgg16-anl-eps-0.03-seed2');
  });

  it('quotes shell arguments only where needed, and bash reads them back', () => {
    expect(shellQuote('--eps=0.03')).toBe('--eps=0.03');
    expect(shellQuote("it's a dir")).toBe(`'it'\\''s a dir'`);
    const words = ['plain', "it's", 'a b', '$HOME', '"q"', '--x=1,2'];
    const echoed = execFileSync('bash', ['-c', `printf '%s\\n' ${words.map(shellQuote).join(' ')}`], {
      encoding: 'utf8',
    });
    expect(echoed.trimEnd().split('\n')).toEqual(words);
  });

  it('every model name --model lists has a builder', () => {
    expect([...listModels()].sort()).toEqual(builtModelNames().sort());
  });
});
