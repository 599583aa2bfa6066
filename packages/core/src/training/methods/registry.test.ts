import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AnlError } from '../../errors';
import { createRng } from '../../rng/create-rng';
import { linearFixture, randomBatch } from '../../testing/fixtures.test-helpers';
import { createTrainingAlgorithm } from '../create-training-algorithm';
import { applyWeightGradients, runPass } from '../pass';
import type { NoiseMethodDefinition } from './method-definition';
import { finiteNumberOption } from './method-option-checks';
import { getNoiseMethod, listNoiseMethods, registerNoiseMethod, unregisterNoiseMethod } from './registry';

const BUILT_INS = ['none', 'anl', 'canl', 'lat', 'gaussian', 'anp', 'fgsm-at', 'pgd-at', 'fast-at', 'trades'];

function expectAnlError(fn: () => unknown, code: string, argument: string) {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AnlError);
  expect(caught).toMatchObject({ code, argument });
}

/** A method that adds a constant `shift * eps` at every noise point: one pass, no state. */
const shiftMethod: NoiseMethodDefinition<{ shift: number }> = {
  name: 'shift-test',
  summary: 'constant shift (test)',
  injectsNoise: true,
  needsLabels: false,
  usesStd: false,
  options: { shift: finiteNumberOption(1) },
  createRunner: ({ ops, options }) => ({
    step: ({ model, batch, settings }) => {
      const result = runPass(model, {
        x: batch.x,
        y: batch.y,
        batchSize: batch.batchSize,
        noise: (_t, h) => {
          const shape = ops.shape(h);
          const size = shape.reduce((a, b) => a * b, 1);
          return ops.fromArray(new Float32Array(size).fill(options.shift * settings.eps), shape);
        },
        weightGradients: true,
        noiseGradients: false,
      });
      applyWeightGradients(model, result);
      return result.loss;
    },
    stateBytes: () => 0,
    dispose: () => {},
  }),
};

describe('the noise-method registry', () => {
  it('lists the built-ins in SPEC order, then the input-space defences', () => {
    expect(listNoiseMethods()).toEqual(BUILT_INS);
    expect(getNoiseMethod('canl').needsLabels).toBe(true);
    expect(getNoiseMethod('none').injectsNoise).toBe(false);
  });

  it('registers a method that createTrainingAlgorithm then runs with its own options', () => {
    registerNoiseMethod(shiftMethod);
    try {
      expect(listNoiseMethods()).toEqual([...BUILT_INS, 'shift-test']);
      const { ops, model } = linearFixture();
      const algorithm = createTrainingAlgorithm(ops, {
        method: 'shift-test',
        methodOptions: { 'shift-test': { shift: 2 } },
      });
      const batch = randomBatch(model, 2, 3);
      ops.dispose(algorithm.step(model, batch, { eps: 0.25, noise: true }, createRng(1)).loss);
      // The noise is exactly shift * eps = 0.5 everywhere, at both points.
      expect(model.passes[0].noise.map((n) => Array.from(n ?? []))).toEqual([
        [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
        [0.5, 0.5, 0.5, 0.5],
      ]);
      ops.dispose([batch.x, batch.y]);
      algorithm.dispose();
      expect(ops.numTensors).toBe(0);
      expectAnlError(() => registerNoiseMethod(shiftMethod), 'INVALID_ARGUMENT', 'definition.name');
    } finally {
      unregisterNoiseMethod('shift-test');
    }
    expect(listNoiseMethods()).toEqual(BUILT_INS);
  });

  it('refuses malformed definitions and removing a built-in', () => {
    expectAnlError(
      () => registerNoiseMethod({ ...shiftMethod, name: 'Bad Name' }),
      'INVALID_ARGUMENT',
      'definition.name',
    );
    expectAnlError(
      () => registerNoiseMethod({ ...shiftMethod, name: 'x', createRunner: 1 as never }),
      'INVALID_ARGUMENT',
      'definition.createRunner',
    );
    expectAnlError(
      () => registerNoiseMethod({ ...shiftMethod, name: 'x', options: { shift: { default: 1 } } as never }),
      'INVALID_ARGUMENT',
      'definition.options.shift',
    );
    expectAnlError(() => unregisterNoiseMethod('anl'), 'INVALID_ARGUMENT', 'name');
    expect(listNoiseMethods()).toEqual(BUILT_INS);
  });
});

describe('method options', () => {
  const { ops } = linearFixture();

  it('unknown keys, global or per method, are refused by name', () => {
    expectAnlError(
      () => createTrainingAlgorithm(ops, { method: 'anl', epsilon: 1 } as never),
      'INVALID_ARGUMENT',
      'options.epsilon',
    );
    expectAnlError(
      () => createTrainingAlgorithm(ops, { method: 'anp', methodOptions: { anp: { pases: 2 } } }),
      'INVALID_ARGUMENT',
      'options.methodOptions.anp.pases',
    );
    expectAnlError(
      () => createTrainingAlgorithm(ops, { method: 'anl', methodOptions: { anl: { passes: 2 } } }),
      'INVALID_ARGUMENT',
      'options.methodOptions.anl.passes',
    );
    expectAnlError(
      () => createTrainingAlgorithm(ops, { method: 'anl', methodOptions: { bogus: {} } }),
      'UNKNOWN_METHOD',
      'options.methodOptions.bogus',
    );
  });

  it('values are checked under the name the user wrote (namespaced or legacy flat)', () => {
    expectAnlError(
      () => createTrainingAlgorithm(ops, { method: 'anp', methodOptions: { anp: { passes: 0 } } }),
      'INVALID_ARGUMENT',
      'options.methodOptions.anp.passes',
    );
    expectAnlError(
      () => createTrainingAlgorithm(ops, { method: 'anp', anpAlpha: Number.NaN }),
      'INVALID_ARGUMENT',
      'options.anpAlpha',
    );
    expectAnlError(
      () =>
        createTrainingAlgorithm(ops, { method: 'gaussian', methodOptions: { gaussian: { scaleByStd: 1 } } }),
      'INVALID_ARGUMENT',
      'options.methodOptions.gaussian.scaleByStd',
    );
  });

  it("std: 'running' with a method that never reads s(h) is refused, not ignored", () => {
    for (const method of ['lat', 'anp', 'none']) {
      expectAnlError(
        () => createTrainingAlgorithm(ops, { method, std: 'running' }),
        'UNSUPPORTED',
        'options.std',
      );
    }
    expectAnlError(
      () => createTrainingAlgorithm(ops, { method: 'gaussian', std: 'running' }),
      'UNSUPPORTED',
      'options.std',
    );
    // With scaleByStd the Gaussian noise does read s(h).
    createTrainingAlgorithm(ops, {
      method: 'gaussian',
      std: 'running',
      methodOptions: { gaussian: { scaleByStd: true } },
    }).dispose();
  });

  it('namespaced and legacy options give the same ANP steps', () => {
    const run = (options: Parameters<typeof createTrainingAlgorithm>[1]) => {
      const { ops: o, model } = linearFixture(5);
      const algorithm = createTrainingAlgorithm(o, options);
      const batch = randomBatch(model, 3, 4);
      o.dispose(algorithm.step(model, batch, { eps: 0.5, noise: true }, createRng(2)).loss);
      o.dispose([batch.x, batch.y]);
      return { w1: Array.from(model.w1), passes: model.passes.length };
    };
    const namespaced = run({ method: 'anp', methodOptions: { anp: { passes: 2, alpha: 0.5 } } });
    expect(namespaced.passes).toBe(2);
    expect(run({ method: 'anp', anpPasses: 2, anpAlpha: 0.5 })).toEqual(namespaced);
    expect(run({ method: 'anp' }).passes).toBe(3);
  });
});

describe('one home per method name', () => {
  // Each built-in's name string is written in its own module of this folder and nowhere else in
  // packages/*/src (tests aside). The 'anl' namespace of tfjs's serialised class names
  // ('anl>Noise') and the cache folder name are the package's name, not the method's; vega's
  // headless renderer is called 'none'; comments that name the `anl` command mean the program.
  const NOT_A_METHOD = [
    /registerClass\(\w+, 'anl', '/,
    /join\((base|cache), 'anl', /,
    /renderer: 'none'/,
    /^\s*(\/\/|\/?\*).*`anl`/,
  ];
  const packages = fileURLToPath(new URL('../../../../', import.meta.url));

  function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return /\.(ts|mts|cts|js|mjs)$/.test(name) && !/\.test(-helpers)?\.ts$|\.test\.ts$/.test(name)
        ? [path]
        : [];
    });
  }

  it('finds each built-in name only in its method module', () => {
    const files = readdirSync(packages)
      .map((p) => join(packages, p, 'src'))
      .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      .flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(50);
    const homes: Record<string, string[]> = {};
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const name of BUILT_INS) {
        const quoted = new RegExp(`(['"\`])${name}\\1`);
        if (lines.some((line) => quoted.test(line) && !NOT_A_METHOD.some((ok) => ok.test(line)))) {
          homes[name] = [...(homes[name] ?? []), relative(packages, file)];
        }
      }
    }
    for (const name of BUILT_INS) {
      expect(homes[name]).toEqual([`core/src/training/methods/${name}-method.ts`]);
    }
  });
});
