import '@tensorflow/tfjs-backend-cpu';
import { trainableConformanceCases } from '@anl/core/conformance';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom, tinyDenseModel } from './test-models';
import { TfjsTrainableModel } from './tfjs-trainable-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TfjsTrainableModel passes the TrainableModelV1 conformance kit (cpu)', () => {
  const cases = trainableConformanceCases<tf.Tensor, tf.NamedTensorMap>(
    {
      createModel: () =>
        new TfjsTrainableModel(tinyDenseModel({ hidden: 5, seed: 4 }), { optimizer: tf.train.sgd(0.05) }),
      createBatch: (_model, batchSize, seed) => {
        const labels = Int32Array.from({ length: batchSize }, (_, i) => i % 3);
        return {
          x: tf.tensor2d(pseudoRandom(batchSize * 4, seed), [batchSize, 4]),
          y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32')),
        };
      },
      readWeights: async (model) => {
        const m = model as TfjsTrainableModel;
        const parts = await Promise.all(m.trainableVariables().map((v) => v.data() as Promise<Float32Array>));
        return Float32Array.from(parts.flatMap((p) => Array.from(p)));
      },
      failNextApply: (model) => {
        // The optimizer updates the first weight, then fails: the adapter must undo that update.
        const optimizer = (model as unknown as { optimizer: tf.Optimizer }).optimizer;
        const original = optimizer.applyGradients.bind(optimizer);
        optimizer.applyGradients = (gradients) => {
          const names = Object.keys(gradients as tf.NamedTensorMap);
          original({ [names[0]]: (gradients as tf.NamedTensorMap)[names[0]] });
          throw new Error('optimizer failure (test)');
        };
        return () => {
          optimizer.applyGradients = original;
        };
      },
      disposeModel: (model) => {
        (model as TfjsTrainableModel).dispose();
        (model as TfjsTrainableModel).model.dispose();
        (model as TfjsTrainableModel).optimizer.dispose();
      },
    },
    { lossPass: true },
  );
  for (const c of cases) it(c.name, c.run);

  it('leaks no tensor over the whole kit', async () => {
    const leaks: string[] = [];
    for (const c of cases) {
      const before = tf.memory().numTensors;
      await c.run();
      if (tf.memory().numTensors !== before) leaks.push(`${c.name}: ${tf.memory().numTensors - before}`);
    }
    expect(leaks).toEqual([]);
  });
});
