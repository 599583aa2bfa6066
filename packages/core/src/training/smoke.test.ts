import { describe, expect, it } from 'vitest';
import { createRng } from '../rng/create-rng';
import { linearFixture, randomBatch } from '../testing/fixtures.test-helpers';
import { createTrainingAlgorithm } from './create-training-algorithm';
import { NOISE_METHODS } from './options';

describe('smoke', () => {
  for (const method of NOISE_METHODS) {
    for (const std of ['batch', 'running'] as const) {
      it(`${method} ${std}`, async () => {
        const { ops, model } = linearFixture();
        const alg = createTrainingAlgorithm(ops, { method, std, numClasses: 3, gaussianScaleByStd: true });
        const rng = createRng(3);
        const counts: number[] = [];
        for (let k = 0; k < 6; k++) {
          const batch = randomBatch(model, k === 4 ? 3 : 5, k, [0, 1, 2, 0, 1]);
          const { loss } = alg.step(
            model,
            { ...batch, labels: batch.labels!.slice(0, batch.batchSize) },
            { eps: 0.1, noise: true },
            rng,
          );
          const l = (await ops.toArray(loss))[0];
          expect(Number.isFinite(l)).toBe(true);
          ops.dispose([loss, batch.x, batch.y]);
          counts.push(ops.numTensors);
        }
        console.log(method, std, counts, model.passes.length, model.applied, alg.stateBytes());
        alg.dispose();
        expect(ops.numTensors).toBe(0);
      });
    }
  }
});
