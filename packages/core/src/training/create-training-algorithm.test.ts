import { describe, expect, it } from 'vitest';
import type { RefTensor } from '../reference/ref-tensor';
import type { TwoLayerLinearModel } from '../reference/two-layer-linear-model';
import { createRng } from '../rng/create-rng';
import { linearFixture, randomBatch } from '../testing/fixtures.test-helpers';
import type { Batch, NoiseMethod, StepSettings } from './algorithm';
import { createTrainingAlgorithm } from './create-training-algorithm';
import { getNoiseMethod, listNoiseMethods } from './methods/registry';
import type { TrainingAlgorithmOptions } from './options';

const LABELS = [0, 1, 2, 0, 1];

function run(options: TrainingAlgorithmOptions, model: TwoLayerLinearModel, steps: number, firstSeed = 0) {
  const algorithm = createTrainingAlgorithm(model.ops, options);
  for (let k = firstSeed; k < firstSeed + steps; k++) {
    const size = k % 3 === 2 ? 3 : 5;
    const batch = randomBatch(model, size, k, LABELS.slice(0, size));
    model.ops.dispose(algorithm.step(model, batch, { eps: 0.1, noise: true }, createRng(k)).loss);
    model.ops.dispose([batch.x, batch.y]);
  }
  return algorithm;
}

describe('createTrainingAlgorithm', () => {
  it("'none': one pass with weight gradients only, no noise", () => {
    const { ops, model } = linearFixture();
    const algorithm = createTrainingAlgorithm(ops, { method: 'none' });
    const batch = randomBatch(model, 2, 1);
    ops.dispose(algorithm.step(model, batch, { eps: 0.1, noise: true }, createRng(1)).loss);
    expect(model.passes.map((p) => p.request)).toEqual([
      { batchSize: 2, weightGradients: true, noiseGradients: false },
    ]);
    expect(model.passes[0].noise).toEqual([null, null]);
    expect(model.applied).toBe(1);
    expect(algorithm.method).toBe('none');
  });

  for (const method of listNoiseMethods()) {
    // 'running' only for the methods that read s(h) (the others refuse it, tested below).
    const modes =
      getNoiseMethod(method).usesStd === false ? (['batch'] as const) : (['batch', 'running'] as const);
    for (const std of modes) {
      it(`${method} (${std} std): no tensor leaks — live tensors after 20 steps equal those after 3`, () => {
        const { ops, model } = linearFixture();
        const options = { method, std, numClasses: 3, gaussianScaleByStd: true };
        const algorithm = createTrainingAlgorithm(ops, options);
        const counts: number[] = [];
        for (let k = 0; k < 20; k++) {
          const size = k % 3 === 2 ? 3 : 5;
          const batch = randomBatch(model, size, k, LABELS.slice(0, size));
          ops.dispose(algorithm.step(model, batch, { eps: 0.1, noise: true }, createRng(k)).loss);
          ops.dispose([batch.x, batch.y]);
          counts.push(ops.numTensors);
        }
        expect(counts[19]).toBe(counts[2]);
        algorithm.dispose();
        expect(ops.numTensors).toBe(0);
      });
    }
  }
});

describe('a failing step changes nothing', () => {
  // Run A: 2 steps, a failing step, 1 step. Run B: the same without the failing step. If the failure
  // left no trace (weights, optimizer, cache, running std), the last step's noise and the weights agree.
  const cases: { method: NoiseMethod; std?: 'batch' | 'running'; failAt: 'pass' | 'apply' }[] = [
    { method: 'canl', failAt: 'pass' },
    { method: 'canl', failAt: 'apply' },
    { method: 'canl', std: 'running', failAt: 'apply' },
    { method: 'anl', std: 'running', failAt: 'pass' },
    { method: 'anl', std: 'running', failAt: 'apply' },
    { method: 'lat', failAt: 'pass' },
    { method: 'lat', failAt: 'apply' },
    { method: 'gaussian', std: 'running', failAt: 'apply' },
  ];
  for (const { method, std, failAt } of cases) {
    it(`${method}${std ? ` (${std} std)` : ''}, failing in ${failAt === 'pass' ? 'the model pass' : 'the optimizer'}`, () => {
      const options = { method, std, numClasses: 3, gaussianScaleByStd: true };
      const a = linearFixture(11);
      const b = linearFixture(11);
      const algA = run(options, a.model, 2);
      const algB = run(options, b.model, 2);

      const passesBefore = a.model.passes.length;
      const w1 = a.model.w1.slice();
      const live = a.ops.numTensors;
      const stateBytes = algA.stateBytes();
      if (failAt === 'pass') a.model.throwOnPass = passesBefore + (method === 'anl' ? 1 : 0);
      else a.model.throwOnApply = true;
      const batch = randomBatch(a.model, 5, 50, LABELS);
      expect(() => algA.step(a.model, batch, { eps: 0.1, noise: true }, createRng(50))).toThrow(
        /failure \(test\)/,
      );
      a.ops.dispose([batch.x, batch.y]);
      a.model.throwOnPass = -1;
      a.model.throwOnApply = false;
      expect(a.model.w1).toEqual(w1);
      expect(a.ops.numTensors).toBe(live);
      expect(algA.stateBytes()).toBe(stateBytes);

      const lastA = a.model.passes.length;
      const lastB = b.model.passes.length;
      // The same final step on both runs (seed 2, after the seeds 0 and 1 of `run`).
      for (const [m, alg] of [
        [a.model, algA],
        [b.model, algB],
      ] as const) {
        const final = randomBatch(m, 5, 2, LABELS);
        m.ops.dispose(alg.step(m, final, { eps: 0.1, noise: true }, createRng(2)).loss);
        m.ops.dispose([final.x, final.y]);
      }
      expect(a.model.passes.slice(lastA).map((p) => p.noise)).toEqual(
        b.model.passes.slice(lastB).map((p) => p.noise),
      );
      expect(a.model.w1).toEqual(b.model.w1);
      expect(a.model.w2).toEqual(b.model.w2);
    });
  }
});

describe('bad arguments: AnlError with the right code, thrown before anything runs', () => {
  const { ops, model } = linearFixture();
  const good = randomBatch(model, 3, 1, [0, 1, 2]);
  const settings: StepSettings = { eps: 0.1, noise: true };

  function expectRefused(
    options: TrainingAlgorithmOptions,
    batch: Batch<RefTensor>,
    stepSettings: StepSettings,
    code: string,
    argument: string,
  ) {
    const passes = model.passes.length;
    const w1 = model.w1.slice();
    const algorithm = createTrainingAlgorithm(ops, options);
    expect(() => algorithm.step(model, batch, stepSettings, createRng(1))).toThrow(
      expect.objectContaining({ name: 'AnlError', code, argument }),
    );
    expect(model.passes).toHaveLength(passes);
    expect(model.w1).toEqual(w1);
  }

  it.each([
    ['eps NaN', { eps: Number.NaN, noise: true }],
    ['eps Infinity', { eps: Number.POSITIVE_INFINITY, noise: true }],
    ['eps -Infinity', { eps: Number.NEGATIVE_INFINITY, noise: true }],
  ])('%s -> INVALID_ARGUMENT settings.eps', (_name, bad) => {
    for (const method of listNoiseMethods())
      expectRefused({ method, numClasses: 3 }, good, bad, 'INVALID_ARGUMENT', 'settings.eps');
  });

  it('batchSize 0 or fractional -> INVALID_ARGUMENT batch.batchSize', () => {
    expectRefused(
      { method: 'anl' },
      { ...good, batchSize: 0 },
      settings,
      'INVALID_ARGUMENT',
      'batch.batchSize',
    );
    expectRefused(
      { method: 'anl' },
      { ...good, batchSize: 1.5 },
      settings,
      'INVALID_ARGUMENT',
      'batch.batchSize',
    );
  });

  it('labels non-integer, out of range or of the wrong length -> INVALID_LABELS batch.labels', () => {
    const canl = { method: 'canl' as const, numClasses: 3 };
    const labels = (l: unknown) => ({ ...good, labels: l as Int32Array });
    expectRefused(canl, labels(Float32Array.of(0, 1.5, 2)), settings, 'INVALID_LABELS', 'batch.labels');
    expectRefused(canl, labels(Int32Array.of(0, 3, 1)), settings, 'INVALID_LABELS', 'batch.labels');
    expectRefused(canl, labels(Int32Array.of(0, -1, 1)), settings, 'INVALID_LABELS', 'batch.labels');
    expectRefused(canl, labels(Int32Array.of(0, 1)), settings, 'INVALID_LABELS', 'batch.labels');
    // Other methods check labels too when they are given.
    expectRefused(
      { method: 'anl', numClasses: 3 },
      labels(Int32Array.of(0, 3, 1)),
      settings,
      'INVALID_LABELS',
      'batch.labels',
    );
  });

  it('bad settings -> INVALID_ARGUMENT naming the setting', () => {
    expectRefused(
      { method: 'anp' },
      good,
      { eps: 0.1, noise: true, anpPasses: 0 },
      'INVALID_ARGUMENT',
      'settings.anpPasses',
    );
    expectRefused(
      { method: 'anp' },
      good,
      { eps: 0.1, noise: true, anpAlpha: Number.NaN },
      'INVALID_ARGUMENT',
      'settings.anpAlpha',
    );
    expectRefused(
      { method: 'anl' },
      good,
      { eps: 0.1, noise: 'yes' as unknown as boolean },
      'INVALID_ARGUMENT',
      'settings.noise',
    );
  });

  it('unknown method -> UNKNOWN_METHOD; bad options -> INVALID_ARGUMENT', () => {
    expect(() => createTrainingAlgorithm(ops, { method: 'adversarial' as NoiseMethod })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_METHOD', argument: 'options.method' }),
    );
    expect(() => createTrainingAlgorithm(ops, { method: 'anl', std: 'moving' as 'batch' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'options.std' }),
    );
    expect(() => createTrainingAlgorithm(ops, { method: 'anl', runningMomentum: 2 })).toThrow(
      expect.objectContaining({ argument: 'options.runningMomentum' }),
    );
    expect(() => createTrainingAlgorithm(ops, { method: 'anp', anpPasses: 0 })).toThrow(
      expect.objectContaining({ argument: 'options.anpPasses' }),
    );
  });

  it('a model whose activations do not match its noise points -> SHAPE_MISMATCH, weights untouched', () => {
    const { ops: ops2, model: liar } = linearFixture();
    Object.defineProperty(liar, 'noisePoints', {
      value: [
        { name: 'h1', sampleShape: [7] },
        { name: 'h2', sampleShape: [2] },
      ],
    });
    const batch = randomBatch(liar, 2, 1);
    const w1 = liar.w1.slice();
    for (const method of ['anl', 'canl', 'lat', 'gaussian', 'anp'] as const) {
      const algorithm = createTrainingAlgorithm(ops2, { method, numClasses: 2 });
      expect(() =>
        algorithm.step(liar, { ...batch, labels: Int32Array.of(0, 1) }, settings, createRng(1)),
      ).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
      expect(liar.applied).toBe(0);
      expect(liar.w1).toEqual(w1);
      algorithm.dispose();
    }
    ops2.dispose([batch.x, batch.y]);
    expect(ops2.numTensors).toBe(0);
  });

  it('a model that returns no noise gradients when asked -> AnlError naming the model, nothing leaked', () => {
    const { ops: ops3, model: forgetful } = linearFixture();
    const doPass = forgetful.doPass.bind(forgetful);
    forgetful.doPass = (request) => {
      const result = doPass(request);
      ops3.dispose(result.noiseGradients ?? []);
      return { loss: result.loss, weightGradients: result.weightGradients };
    };
    const batch = randomBatch(forgetful, 2, 1, [0, 1]);
    for (const method of ['anl', 'canl', 'lat'] as const) {
      const algorithm = createTrainingAlgorithm(ops3, { method, numClasses: 2 });
      expect(() => algorithm.step(forgetful, batch, settings, createRng(1))).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'model' }),
      );
      algorithm.dispose();
    }
    expect(forgetful.applied).toBe(0);
    ops3.dispose([batch.x, batch.y]);
    expect(ops3.numTensors).toBe(0);
  });
});
