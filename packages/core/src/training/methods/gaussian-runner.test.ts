import { describe, expect, it } from 'vitest';
import { referenceOps } from '../../reference/reference-tensor-ops';
import { createRng } from '../../rng/create-rng';
import { linearFixture, randomBatch } from '../../testing/fixtures.test-helpers';
import { expectAllClose, populationStd } from '../../testing/math.test-helpers';
import { createTrainingAlgorithm } from '../create-training-algorithm';

describe('Gaussian baseline on the linear model', () => {
  for (const scaleByStd of [false, true]) {
    it(`one pass, eta = N(0, (eps/4)^2)${scaleByStd ? ' · s(h)' : ''} drawn with a seed from the rng`, () => {
      const { ops, model } = linearFixture(8);
      const algorithm = createTrainingAlgorithm(ops, { method: 'gaussian', gaussianScaleByStd: scaleByStd });
      const batch = randomBatch(model, 3, 1);
      ops.dispose(algorithm.step(model, batch, { eps: 0.2, noise: true }, createRng(9)).loss);
      expect(model.passes).toHaveLength(1);
      expect(model.passes[0].request).toEqual({ batchSize: 3, weightGradients: true, noiseGradients: false });
      const rng = createRng(9);
      const shapes = [
        [3, model.hidden],
        [3, model.outputs],
      ];
      for (let t = 0; t < 2; t++) {
        const unit = referenceOps.randomNormal(shapes[t], 0, 0.05, rng.nextUint32()).data;
        const s = scaleByStd ? populationStd(model.passes[0].activations[t]) : 1;
        expectAllClose(
          model.passes[0].noise[t],
          Array.from(unit, (x) => x * s),
        );
      }
      ops.dispose([batch.x, batch.y]);
      expect(ops.numTensors).toBe(0);
    });
  }
});
