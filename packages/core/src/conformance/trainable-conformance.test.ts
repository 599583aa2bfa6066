import { describe, expect, it } from 'vitest';
import { ReferenceTensorOps } from '../reference/reference-tensor-ops';
import { TwoLayerLinearModel } from '../reference/two-layer-linear-model';
import { createRng } from '../rng/create-rng';
import { type TrainableSubject, trainableConformanceCases } from './trainable-cases';

function referenceSubject(
  change: (model: TwoLayerLinearModel) => void = () => {},
): TrainableSubject<ReturnType<ReferenceTensorOps['zeros']>, unknown> {
  return {
    createModel: () => {
      const ops = new ReferenceTensorOps({ strictMemory: true });
      const rng = createRng(3);
      const w1 = Float64Array.from({ length: 4 * 3 }, () => rng.normal());
      const w2 = Float64Array.from({ length: 2 * 4 }, () => rng.normal());
      const model = new TwoLayerLinearModel(ops, 3, 4, 2, w1, w2, 0.05);
      change(model);
      return model;
    },
    createBatch: (model, batchSize, seed) => {
      const rng = createRng(seed);
      const m = model as TwoLayerLinearModel;
      const x = Float32Array.from({ length: batchSize * m.inputSize }, () => rng.normal());
      const y = Float32Array.from({ length: batchSize * m.outputs }, () => rng.normal());
      return {
        x: m.ops.fromArray(x, [batchSize, m.inputSize]),
        y: m.ops.fromArray(y, [batchSize, m.outputs]),
      };
    },
    readWeights: async (model) => {
      const m = model as TwoLayerLinearModel;
      return Float32Array.from([...m.w1, ...m.w2]);
    },
    failNextApply: (model) => {
      const m = model as TwoLayerLinearModel;
      m.throwOnApply = true;
      return () => {
        m.throwOnApply = false;
      };
    },
    disposeModel: (model) => {
      // Strict memory: every tensor the kit made through the model's ops was freed.
      expect((model.ops as ReferenceTensorOps).numTensors).toBe(0);
    },
  };
}

describe('TrainableModelV1 conformance kit on the reference model', () => {
  for (const c of trainableConformanceCases(referenceSubject(), { lossPass: true })) it(c.name, c.run);
});

describe('the kit fails a model that breaks the contract', () => {
  it('noise gradients off by a factor of two', async () => {
    const doubled = referenceSubject((model) => {
      const doPass = model.doPass.bind(model);
      model.doPass = (request) => {
        const result = doPass(request);
        if (result.noiseGradients === undefined) return result;
        const scaled = result.noiseGradients.map((g) => model.ops.scale(g, 2));
        model.ops.dispose(result.noiseGradients);
        return { ...result, noiseGradients: scaled };
      };
    });
    const c = trainableConformanceCases(doubled).find((k) => k.name.startsWith('noise gradients'));
    await expect(c?.run()).rejects.toThrow(/finite difference/);
  });

  it('loss-pass input gradients off by a factor of two', async () => {
    const doubled = referenceSubject((model) => {
      const doLossPass = model.doLossPass.bind(model);
      model.doLossPass = (request) => {
        const result = doLossPass(request);
        const scaled = (result.inputGradients ?? []).map((g) => model.ops.scale(g, 2));
        model.ops.dispose(result.inputGradients ?? []);
        return { ...result, inputGradients: scaled };
      };
    });
    const c = trainableConformanceCases(doubled, { lossPass: true }).find((k) =>
      k.name.startsWith('doLossPass'),
    );
    await expect(c?.run()).rejects.toThrow(/finite difference/);
  });

  it('an update that changes weights before failing', async () => {
    const halfApplied = referenceSubject((model) => {
      const apply = model.doApplyGradients.bind(model);
      model.doApplyGradients = (g) => {
        if (model.throwOnApply) {
          model.w1[0] += 1;
          throw new Error('half-applied (test)');
        }
        apply(g);
      };
    });
    const c = trainableConformanceCases(halfApplied).find((k) => k.name.startsWith('an update that fails'));
    await expect(c?.run()).rejects.toThrow(/weights changed/);
  });
});
