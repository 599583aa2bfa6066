import { describe, expect, it } from 'vitest';
import { createRng } from '../../rng/create-rng';
import { linearFixture, randomBatch } from '../../testing/fixtures.test-helpers';
import { expectAllClose, rowsOf } from '../../testing/math.test-helpers';
import { createTrainingAlgorithm } from '../create-training-algorithm';

/** alpha·reg + g/‖g‖₂ per row, in float64. */
function anpUpdateByHand(reg: number[], g: Float32Array, width: number, alpha: number): number[] {
  return rowsOf(g, width).flatMap((row, i) => {
    const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
    return row.map((x, j) => alpha * reg[i * width + j] + (norm === 0 ? 0 : x / norm));
  });
}

describe('ANP on the linear model', () => {
  it('k passes and k optimizer steps per batch; pass p injects (eps/k)·reg built from passes < p', () => {
    const { ops, model } = linearFixture(7);
    const algorithm = createTrainingAlgorithm(ops, { method: 'anp', anpAlpha: 0.7, anpPasses: 3 });
    const batch = randomBatch(model, 3, 1);
    const eps = 0.3;
    ops.dispose(algorithm.step(model, batch, { eps, noise: true }, createRng(1)).loss);
    expect(model.passes).toHaveLength(3);
    expect(model.applied).toBe(3);
    expect(model.passes.map((p) => p.request.noiseGradients)).toEqual([true, true, false]);
    expect(model.passes.every((p) => p.request.weightGradients)).toBe(true);
    expect(model.passes[0].noise).toEqual([null, null]);
    const widths = [model.hidden, model.outputs];
    for (let t = 0; t < 2; t++) {
      const w = widths[t];
      let reg = new Array(3 * w).fill(0);
      for (let p = 1; p < 3; p++) {
        reg = anpUpdateByHand(reg, model.passes[p - 1].noiseGradients[t], w, 0.7);
        expectAllClose(
          model.passes[p].noise[t],
          reg.map((x) => (eps / 3) * x),
        );
      }
    }
    ops.dispose([batch.x, batch.y]);
    expect(ops.numTensors).toBe(0);
  });

  it('the step settings override alpha and k; buffers restart at zero on every batch', () => {
    const { ops, model } = linearFixture(7);
    const algorithm = createTrainingAlgorithm(ops, { method: 'anp' });
    for (let k = 0; k < 2; k++) {
      const batch = randomBatch(model, 2, k);
      ops.dispose(
        algorithm.step(model, batch, { eps: 1, noise: true, anpAlpha: 1, anpPasses: 2 }, createRng(k)).loss,
      );
      ops.dispose([batch.x, batch.y]);
    }
    expect(model.passes).toHaveLength(4);
    expect(model.applied).toBe(4);
    expect(model.passes[2].noise).toEqual([null, null]);
    // Pass 2 of batch 1: (1/2)·(0 + g/‖g‖): rows of unit L2 norm halved.
    for (const row of rowsOf(model.passes[1].noise[0]!, model.hidden)) {
      expect(Math.sqrt(row.reduce((s, x) => s + x * x, 0))).toBeCloseTo(0.5, 5);
    }
    expect(ops.numTensors).toBe(0);
  });
});
