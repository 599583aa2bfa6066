import { describe, expect, it } from 'vitest';
import { sampleClippedGaussianR } from '../../noise/sample-clipped-gaussian-r';
import { createRng } from '../../rng/create-rng';
import { linearFixture, randomBatch } from '../../testing/fixtures.test-helpers';
import { anlNoiseByHand, expectAllClose, populationStd } from '../../testing/math.test-helpers';
import { createTrainingAlgorithm } from '../create-training-algorithm';

describe('ANL (Algorithm 1) on a two-layer linear model with hand-derived gradients', () => {
  for (const eps of [0.1, -0.05]) {
    it(`eps = ${eps}: round 1 asks no weight gradients, round 2 injects Eq. 4 built from round 1, only round 2 updates`, async () => {
      const { ops, model } = linearFixture(1);
      const algorithm = createTrainingAlgorithm(ops, { method: 'anl' });
      const batch = randomBatch(model, 4, 10);
      const w1 = model.w1.slice();
      const w2 = model.w2.slice();
      const { loss } = algorithm.step(model, batch, { eps, noise: true }, createRng(77));

      expect(model.passes).toHaveLength(2);
      const [round1, round2] = model.passes;
      expect(round1.request).toEqual({ batchSize: 4, weightGradients: false, noiseGradients: true });
      expect(round1.noise).toEqual([null, null]);
      expect(round2.request).toEqual({ batchSize: 4, weightGradients: true, noiseGradients: false });

      // Replay the draws: one r per sample, point 0 then point 1.
      const rng = createRng(77);
      const widths = [model.hidden, model.outputs];
      for (let t = 0; t < 2; t++) {
        const r = sampleClippedGaussianR(rng, 4, eps);
        const s = populationStd(round1.activations[t]);
        expectAllClose(round2.noise[t], anlNoiseByHand(round1.noiseGradients[t], widths[t], r, s));
      }
      // Round 2's clean activations at point 0 equal round 1's (same weights, noise comes after).
      expect(round2.activations[0]).toEqual(round1.activations[0]);

      // One SGD step with round 2's gradients: dW1 = Σ d1ᵢ xᵢᵀ, dW2 = Σ d2ᵢ ĥ1ᵢᵀ.
      expect(model.applied).toBe(1);
      const x = batch.x.data;
      const d1 = round2.noiseGradients[0];
      const d2 = round2.noiseGradients[1];
      const h1hat = round2.activations[0].map((h, k) => h + (round2.noise[0] as Float32Array)[k]);
      const expectedW1 = w1.map((w, k) => {
        const [j, c] = [Math.floor(k / model.inputSize), k % model.inputSize];
        let g = 0;
        for (let i = 0; i < 4; i++) g += d1[i * model.hidden + j] * x[i * model.inputSize + c];
        return w - model.lr * g;
      });
      const expectedW2 = w2.map((w, k) => {
        const [o, j] = [Math.floor(k / model.hidden), k % model.hidden];
        let g = 0;
        for (let i = 0; i < 4; i++) g += d2[i * model.outputs + o] * h1hat[i * model.hidden + j];
        return w - model.lr * g;
      });
      expectAllClose(model.w1, expectedW1, 1e-5, 1e-6);
      expectAllClose(model.w2, expectedW2, 1e-5, 1e-6);

      // The loss returned is round 2's: (1/B) Σ ½‖ĥ2 − y‖².
      const h2hat = round2.activations[1].map((h, k) => h + (round2.noise[1] as Float32Array)[k]);
      const expectedLoss = h2hat.reduce((sum, h, k) => sum + (0.5 * (h - batch.y.data[k]) ** 2) / 4, 0);
      expectAllClose(await ops.toArray(loss), [expectedLoss]);

      ops.dispose([loss, batch.x, batch.y]);
      expect(ops.numTensors).toBe(0);
    });
  }

  it("std: 'running' adds no noise on the first step, then uses s = 0.1·std(h) of step 1's round 1", () => {
    const { ops, model } = linearFixture(2);
    const algorithm = createTrainingAlgorithm(ops, { method: 'anl', std: 'running' });
    const first = randomBatch(model, 3, 1);
    const second = randomBatch(model, 3, 2);
    ops.dispose(algorithm.step(model, first, { eps: 0.2, noise: true }, createRng(5)).loss);
    // s = 0 on the first step: round 2 injects all-zero noise.
    expect(model.passes[1].noise.map((n) => Array.from(n ?? [1]).every((x) => x === 0))).toEqual([
      true,
      true,
    ]);
    const step1Round1 = model.passes[0];
    ops.dispose(algorithm.step(model, second, { eps: 0.2, noise: true }, createRng(6)).loss);
    const [round1, round2] = model.passes.slice(2);
    const rng = createRng(6);
    const widths = [model.hidden, model.outputs];
    for (let t = 0; t < 2; t++) {
      const r = sampleClippedGaussianR(rng, 3, 0.2);
      const s = 0.1 * populationStd(step1Round1.activations[t]);
      expectAllClose(round2.noise[t], anlNoiseByHand(round1.noiseGradients[t], widths[t], r, s));
    }
    // Two running scalars held between steps.
    expect(algorithm.stateBytes()).toBe(8);
    algorithm.dispose();
    ops.dispose([first.x, first.y, second.x, second.y]);
    expect(ops.numTensors).toBe(0);
  });

  it('eps = 0 or noise off: exactly the baseline step (one pass, no noise)', () => {
    for (const settings of [
      { eps: 0, noise: true },
      { eps: 0.1, noise: false },
    ]) {
      const { ops, model } = linearFixture(3);
      const algorithm = createTrainingAlgorithm(ops, { method: 'anl' });
      const batch = randomBatch(model, 2, 3);
      ops.dispose(algorithm.step(model, batch, settings, createRng(1)).loss);
      expect(model.passes).toHaveLength(1);
      expect(model.passes[0].request).toEqual({ batchSize: 2, weightGradients: true, noiseGradients: false });
      expect(model.passes[0].noise).toEqual([null, null]);
      expect(model.applied).toBe(1);
    }
  });
});
