import { describe, expect, it } from 'vitest';
import { sampleClippedGaussianR } from '../../noise/sample-clipped-gaussian-r';
import { createRng } from '../../rng/create-rng';
import { linearFixture, randomBatch } from '../../testing/fixtures.test-helpers';
import { anlNoiseByHand, populationStd, rowsOf } from '../../testing/math.test-helpers';
import { createTrainingAlgorithm } from '../create-training-algorithm';

const close = (a: number[], b: number[]) =>
  a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-5 * Math.abs(b[i]) + 1e-7);

describe('CANL (Algorithm 2) on the linear model', () => {
  it("one pass per batch with both gradients; a sample's noise comes from its class's cached gradient", () => {
    const { ops, model } = linearFixture(4);
    const algorithm = createTrainingAlgorithm(ops, { method: 'canl', numClasses: 4 });
    const eps = 0.1;
    // Batch 1: classes 0 (samples 0, 2), 1 (sample 1), 2 (sample 3); class 3 absent.
    const first = randomBatch(model, 4, 1, [0, 1, 0, 2]);
    ops.dispose(algorithm.step(model, first, { eps, noise: true }, createRng(1)).loss);
    expect(model.passes).toHaveLength(1);
    expect(model.passes[0].request).toEqual({ batchSize: 4, weightGradients: true, noiseGradients: true });
    // The cache starts at zero, so the first batch gets zero noise.
    expect(model.passes[0].noise.every((n) => n!.every((x) => x === 0))).toBe(true);
    expect(model.applied).toBe(1);
    // 2 layers × 4 classes × (4 + 2) floats × 4 bytes.
    expect(algorithm.stateBytes()).toBe(4 * (4 + 2) * 4);

    const cachedFrom = model.passes[0].noiseGradients;
    const second = randomBatch(model, 4, 2, [2, 0, 1, 3]);
    ops.dispose(algorithm.step(model, second, { eps, noise: true }, createRng(2)).loss);
    const pass = model.passes[1];
    const rng = createRng(2);
    const widths = [model.hidden, model.outputs];
    const candidates: Record<number, number[]> = { 0: [0, 2], 1: [1], 2: [3] };
    for (let t = 0; t < 2; t++) {
      const w = widths[t];
      const r = sampleClippedGaussianR(rng, 4, eps);
      const s = populationStd(pass.activations[t]);
      const noise = rowsOf(pass.noise[t]!, w);
      const previous = rowsOf(cachedFrom[t], w);
      [2, 0, 1, 3].forEach((label, i) => {
        if (label === 3) {
          // Class 3 was never seen: zero noise.
          expect(noise[i].every((x) => x === 0)).toBe(true);
          return;
        }
        // Eq. 4 with g = the batch-1 gradient of one sample of this class.
        const options = candidates[label].map((k) => anlNoiseByHand(previous[k], w, [r[i]], s));
        expect(options.some((o) => close(noise[i], o))).toBe(true);
      });
    }
    ops.dispose([first.x, first.y, second.x, second.y]);
    algorithm.dispose();
    expect(ops.numTensors).toBe(0);
  });

  it('the cache keeps exactly one sample of each class: both candidates of a class show up across seeds', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 40 && seen.size < 2; seed++) {
      const { ops, model } = linearFixture(4);
      const algorithm = createTrainingAlgorithm(ops, { method: 'canl', numClasses: 2 });
      ops.dispose(
        algorithm.step(model, randomBatch(model, 2, 1, [0, 0]), { eps: 0.1, noise: true }, createRng(seed))
          .loss,
      );
      ops.dispose(
        algorithm.step(model, randomBatch(model, 1, 2, [0]), { eps: 0.1, noise: true }, createRng(1000)).loss,
      );
      const prev = rowsOf(model.passes[0].noiseGradients[1], model.outputs);
      const noise = Array.from(model.passes[1].noise[1]!);
      // Replay step 2's draws: point 0's r, then point 1's.
      const rngReplay = createRng(1000);
      sampleClippedGaussianR(rngReplay, 1, 0.1);
      const r1 = sampleClippedGaussianR(rngReplay, 1, 0.1);
      const s = populationStd(model.passes[1].activations[1]);
      const match = [0, 1].filter((k) => close(noise, anlNoiseByHand(prev[k], model.outputs, r1, s)));
      expect(match).toHaveLength(1);
      seen.add(match[0]);
    }
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it('refuses batches without labels and algorithms without numClasses', () => {
    const { ops, model } = linearFixture(4);
    const algorithm = createTrainingAlgorithm(ops, { method: 'canl', numClasses: 3 });
    expect(() =>
      algorithm.step(model, randomBatch(model, 2, 1), { eps: 0.1, noise: true }, createRng(1)),
    ).toThrow(expect.objectContaining({ code: 'INVALID_LABELS', argument: 'batch.labels' }));
    expect(() => createTrainingAlgorithm(ops, { method: 'canl' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'options.numClasses' }),
    );
    expect(model.passes).toHaveLength(0);
  });
});
