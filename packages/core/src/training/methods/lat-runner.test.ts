import { describe, expect, it } from 'vitest';
import { createRng } from '../../rng/create-rng';
import { linearFixture, randomBatch } from '../../testing/fixtures.test-helpers';
import { rowsOf } from '../../testing/math.test-helpers';
import { createTrainingAlgorithm } from '../create-training-algorithm';

/** eps · sign(prev[i mod B_prev]) for a batch of `batchSize`, row-major. */
function latByHand(prev: Float32Array, width: number, eps: number, batchSize: number): number[] {
  const rows = rowsOf(prev, width);
  return Array.from({ length: batchSize }, (_, i) =>
    rows[i % rows.length].map((g) => Math.fround(eps * Math.sign(g))),
  ).flat();
}

describe('LAT on the linear model', () => {
  it("noise = eps · sign(previous batch's gradient), none on the first batch, across batch sizes 4, 4, 3, 4", () => {
    const { ops, model } = linearFixture(6);
    const algorithm = createTrainingAlgorithm(ops, { method: 'lat' });
    const eps = 0.05;
    const sizes = [4, 4, 3, 4];
    sizes.forEach((b, k) => {
      const batch = randomBatch(model, b, k);
      ops.dispose(algorithm.step(model, batch, { eps, noise: true }, createRng(k)).loss);
      ops.dispose([batch.x, batch.y]);
    });
    expect(model.passes).toHaveLength(4);
    expect(model.applied).toBe(4);
    expect(model.passes[0].noise).toEqual([null, null]);
    for (const pass of model.passes)
      expect(pass.request.weightGradients && pass.request.noiseGradients).toBe(true);
    const widths = [model.hidden, model.outputs];
    for (let k = 1; k < 4; k++) {
      for (let t = 0; t < 2; t++) {
        const want = latByHand(model.passes[k - 1].noiseGradients[t], widths[t], eps, sizes[k]);
        expect(Array.from(model.passes[k].noise[t]!)).toEqual(want);
      }
    }
    // Batch 4 (size 4) after batch 3 (size 3): sample 3 reuses sample 0's sign.
    const last = rowsOf(model.passes[3].noise[0]!, model.hidden);
    expect(last[3]).toEqual(last[0]);
    // Held between steps: the last batch's gradients, 4 × (4 + 2) floats.
    expect(algorithm.stateBytes()).toBe(4 * 6 * 4);
    algorithm.dispose();
    expect(ops.numTensors).toBe(0);
  });
});
