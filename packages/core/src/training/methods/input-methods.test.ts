import { describe, expect, it } from 'vitest';
import { AnlError } from '../../errors';
import { fit } from '../../fit/fit';
import type { RefTensor } from '../../reference/ref-tensor';
import { createRng } from '../../rng/create-rng';
import { linearFixture, randomBatch } from '../../testing/fixtures.test-helpers';
import { createTrainingAlgorithm } from '../create-training-algorithm';
import type { TrainingAlgorithmOptions } from '../options';
import { runPass } from '../pass';

const BOUNDS = [-4, 4] as const;

/** One step of `options` on a fresh fixture and batch; returns the weights after it and the model. */
function oneStep(options: TrainingAlgorithmOptions, eps: number, seed = 3) {
  const { ops, model } = linearFixture(5);
  const algorithm = createTrainingAlgorithm(ops, options);
  const batch = randomBatch(model, 4, seed);
  ops.dispose(algorithm.step(model, batch, { eps, noise: true }, createRng(9)).loss);
  ops.dispose([batch.x, batch.y]);
  algorithm.dispose();
  expect(ops.numTensors).toBe(0);
  return { w1: Array.from(model.w1), w2: Array.from(model.w2), model };
}

/** dJ/dx of the plain squared loss, by hand from doPass's dJ/dh1 and W1 (not through doLossPass). */
function inputGradientByHand(
  fixture: ReturnType<typeof linearFixture>,
  x: Float32Array,
  y: Float32Array,
  B: number,
) {
  const { ops, model } = fixture;
  const xt = ops.fromArray(x, [B, model.inputSize]);
  const yt = ops.fromArray(y, [B, model.outputs]);
  const r = runPass(model, {
    x: xt,
    y: yt,
    batchSize: B,
    noise: () => null,
    weightGradients: false,
    noiseGradients: true,
  });
  const d1 = (r.noiseGradients as RefTensor[])[0].data;
  const g = new Float64Array(B * model.inputSize);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < model.hidden; j++)
      for (let k = 0; k < model.inputSize; k++)
        g[i * model.inputSize + k] += d1[i * model.hidden + j] * model.w1[j * model.inputSize + k];
  ops.dispose([xt, yt, r.loss, ...(r.noiseGradients as RefTensor[])]);
  return g;
}

/** Plain steps on the concatenated batch [x; x'] (mean loss over 2B = 0.5·L(x) + 0.5·L(x')). */
function cleanStepOn(
  fixture: ReturnType<typeof linearFixture>,
  rows: Float32Array,
  y: Float32Array,
  B: number,
) {
  const { ops, model } = fixture;
  const algorithm = createTrainingAlgorithm(ops, { method: 'none' });
  const batch = {
    x: ops.fromArray(rows, [B, model.inputSize]),
    y: ops.fromArray(y, [B, model.outputs]),
    batchSize: B,
  };
  ops.dispose(algorithm.step(model, batch, { eps: 0, noise: false }, createRng(1)).loss);
  ops.dispose([batch.x, batch.y]);
}

const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

describe('input-space training methods (adversarial training, TRADES)', () => {
  it('fgsm-at: one step equals clean training on [x; x + eps·sign(∇x L)] built by hand', () => {
    const eps = 0.2;
    const mine = oneStep({ method: 'fgsm-at', methodOptions: { 'fgsm-at': { bounds: BOUNDS } } }, eps);
    const fixture = linearFixture(5);
    const batch = randomBatch(fixture.model, 4, 3);
    const x = batch.x.data.slice();
    const y = batch.y.data.slice();
    fixture.ops.dispose([batch.x, batch.y]);
    const g = inputGradientByHand(fixture, x, y, 4);
    const xAdv = x.map((v, k) => clip(v + eps * sign(g[k]), ...BOUNDS));
    cleanStepOn(fixture, Float32Array.from([...x, ...xAdv]), Float32Array.from([...y, ...y]), 8);
    mine.w1.forEach((w, k) => {
      expect(w).toBeCloseTo(fixture.model.w1[k], 6);
    });
    mine.w2.forEach((w, k) => {
      expect(w).toBeCloseTo(fixture.model.w2[k], 6);
    });
  });

  it('pgd-at: one step (2 inner steps, no random start) equals clean training on the PGD batch built by hand', () => {
    const eps = 0.3;
    const options = { steps: 2, stepFactor: 0.6, randomStart: false, bounds: BOUNDS };
    const mine = oneStep({ method: 'pgd-at', methodOptions: { 'pgd-at': options } }, eps);
    const fixture = linearFixture(5);
    const batch = randomBatch(fixture.model, 4, 3);
    const x = batch.x.data.slice();
    const y = batch.y.data.slice();
    fixture.ops.dispose([batch.x, batch.y]);
    let xAdv = x.slice();
    for (let s = 0; s < 2; s++) {
      const g = inputGradientByHand(fixture, xAdv, y, 4);
      xAdv = xAdv.map((v, k) => clip(x[k] + clip(v + 0.6 * eps * sign(g[k]) - x[k], -eps, eps), ...BOUNDS));
    }
    cleanStepOn(fixture, Float32Array.from([...x, ...xAdv]), Float32Array.from([...y, ...y]), 8);
    mine.w1.forEach((w, k) => {
      expect(w).toBeCloseTo(fixture.model.w1[k], 6);
    });
    mine.w2.forEach((w, k) => {
      expect(w).toBeCloseTo(fixture.model.w2[k], 6);
    });
  });

  it('fast-at: eps 0 is clean training; with a zero step it trains on a uniform point of the ball', async () => {
    const none = oneStep({ method: 'none' }, 0);
    expect(oneStep({ method: 'fast-at' }, 0)).toMatchObject({ w1: none.w1, w2: none.w2 });
    const eps = 0.25;
    const { model } = oneStep(
      { method: 'fast-at', methodOptions: { 'fast-at': { stepFactor: 0, bounds: BOUNDS } } },
      eps,
    );
    // Pass 0 takes the attack gradient at the start, pass 1 trains on it: the same point.
    expect(model.lossPasses.map((p) => p.request.weightGradients)).toEqual([false, true]);
    const fixture = linearFixture(5);
    const batch = randomBatch(fixture.model, 4, 3);
    const x = batch.x.data;
    const [start, trained] = model.lossPasses.map((p) => p.inputs[0]);
    expect(trained).toEqual(start);
    const deltas = Array.from(start, (v, k) => v - x[k]);
    for (const d of deltas) expect(Math.abs(d)).toBeLessThanOrEqual(eps + 1e-6);
    // Uniform on [−eps, eps]: not all zero, both signs.
    expect(deltas.some((d) => d > 0.01) && deltas.some((d) => d < -0.01)).toBe(true);
    fixture.ops.dispose([batch.x, batch.y]);
  });

  it("trades: beta 0 is clean training (same weights after a step); beta > 0 trains on x and x' in the ball", () => {
    const none = oneStep({ method: 'none' }, 0);
    const zero = oneStep({ method: 'trades', methodOptions: { trades: { beta: 0, bounds: BOUNDS } } }, 0.3);
    expect(zero.w1).toEqual(none.w1);
    expect(zero.w2).toEqual(none.w2);
    const { model } = oneStep(
      { method: 'trades', methodOptions: { trades: { beta: 2, steps: 3, bounds: BOUNDS } } },
      0.3,
    );
    const passes = model.lossPasses;
    expect(passes).toHaveLength(4);
    expect(
      passes.slice(0, 3).every((p) => p.request.mode === 'inference' && !p.request.weightGradients),
    ).toBe(true);
    expect(passes[3].request.terms).toEqual([
      { kind: 'loss', input: 0, weight: 1 },
      { kind: 'kl', from: 0, to: 1, weight: 2 },
    ]);
    const [x, xAdv] = passes[3].inputs;
    for (let k = 0; k < x.length; k++) expect(Math.abs(xAdv[k] - x[k])).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(Array.from(xAdv)).not.toEqual(Array.from(x));
  });

  it('bad options and eps are refused by name; a model without doLossPass gets UNSUPPORTED', async () => {
    const { ops, model } = linearFixture(5);
    const expectArgument = (fn: () => unknown, argument: string) => {
      let caught: unknown;
      try {
        fn();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AnlError);
      expect(caught).toMatchObject({ argument });
    };
    expectArgument(
      () => createTrainingAlgorithm(ops, { method: 'trades', methodOptions: { trades: { beta: -1 } } }),
      'options.methodOptions.trades.beta',
    );
    for (const steps of [0, 1.5, -2]) {
      expectArgument(
        () => createTrainingAlgorithm(ops, { method: 'trades', methodOptions: { trades: { steps } } }),
        'options.methodOptions.trades.steps',
      );
      expectArgument(
        () => createTrainingAlgorithm(ops, { method: 'pgd-at', methodOptions: { 'pgd-at': { steps } } }),
        'options.methodOptions.pgd-at.steps',
      );
    }
    expectArgument(
      () =>
        createTrainingAlgorithm(ops, { method: 'fast-at', methodOptions: { 'fast-at': { bounds: [1, 0] } } }),
      'options.methodOptions.fast-at.bounds',
    );
    const algorithm = createTrainingAlgorithm(ops, { method: 'fgsm-at' });
    const batch = randomBatch(model, 2, 1);
    expectArgument(
      () => algorithm.step(model, batch, { eps: -0.1, noise: true }, createRng(1)),
      'settings.eps',
    );
    const bare = {
      ...model,
      specificationVersion: 'v1' as const,
      noisePoints: model.noisePoints,
      ops,
      doPass: model.doPass.bind(model),
    };
    expectArgument(
      () => algorithm.step(bare as never, batch, { eps: 0.1, noise: true }, createRng(1)),
      'model',
    );
    expect(model.applied).toBe(0);
    const data = [batch];
    await expect(fit(model, data, { method: 'pgd-at', eps: -0.1, epochs: 1 })).rejects.toMatchObject({
      argument: 'options.eps',
    });
    await expect(fit(bare as never, data, { method: 'trades', eps: 0.1, epochs: 1 })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      argument: 'model',
    });
    expect(model.applied).toBe(0);
    ops.dispose([batch.x, batch.y]);
  });
});
