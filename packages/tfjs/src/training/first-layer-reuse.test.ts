import '@tensorflow/tfjs-backend-cpu';
import { createRng, createTrainingAlgorithm } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { FirstLayerReuse } from './first-layer-reuse';
import { tinyConvModel, tinyData, tinyDenseModel, weightValues } from './test-models';
import { TfjsTrainableModel } from './tfjs-trainable-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CLASSES = 3;

/** Two copies of a model with the same weights, one trainer reusing the first layer, one not. */
function twins(build: () => LayersModel, optimizer: () => tf.Optimizer) {
  const a = build();
  const b = build();
  b.setWeights(a.getWeights());
  return {
    reusing: new TfjsTrainableModel(a, { optimizer: optimizer() }),
    computing: new TfjsTrainableModel(b, { optimizer: optimizer(), reuseFirstLayer: false }),
  };
}

function batches(sampleShape: number[], count: number) {
  return Array.from({ length: count }, (_, i) => {
    const { xs, ys, labels } = tinyData(6, sampleShape, CLASSES, 11 + i);
    return { x: xs, y: ys, labels, batchSize: 6 };
  });
}

const cases = [
  { model: 'conv', build: () => tinyConvModel(CLASSES), sampleShape: [8, 8, 1] },
  { model: 'dense', build: () => tinyDenseModel({ seed: 3 }), sampleShape: [4] },
] as const;

describe('reusing the first layer across ANL rounds (ANP moves the weights every pass: nothing to reuse)', () => {
  for (const { model, build, sampleShape } of cases) {
    for (const method of ['anl', 'anp'] as const) {
      it(`${method} on the ${model} model: the same weights, bit for bit, as computing it again`, () => {
        const { reusing, computing } = twins(build, () => tf.train.momentum(0.05, 0.9));
        const data = batches([...sampleShape], 4);
        const algorithms = [reusing, computing].map((m) =>
          createTrainingAlgorithm(m.ops, { method, numClasses: CLASSES }),
        );
        const rngs = [createRng(5), createRng(5)];
        for (let step = 0; step < 6; step++) {
          [reusing, computing].forEach((m, i) => {
            const { loss } = algorithms[i].step(
              m,
              data[step % data.length],
              { eps: 0.2, noise: true },
              rngs[i],
            );
            tf.dispose(loss);
          });
        }
        const a = weightValues(reusing.model);
        const b = weightValues(computing.model);
        expect(a.length).toBe(b.length);
        a.forEach((w, i) => {
          expect(Array.from(w)).toEqual(Array.from(b[i]));
        });
        tf.dispose(data.flatMap((d) => [d.x, d.y]));
      });
    }
  }

  it("ANL's second round runs no forward convolution for the first conv; nothing is held after the step", async () => {
    const { reusing, computing } = twins(
      () => tinyConvModel(CLASSES),
      () => tf.train.sgd(0.05),
    );
    const [batch] = batches([8, 8, 1], 1);
    const conv2dCalls = async (trainable: TfjsTrainableModel) => {
      const algorithm = createTrainingAlgorithm(trainable.ops, { method: 'anl', numClasses: CLASSES });
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => {
        tf.dispose(algorithm.step(trainable, batch, { eps: 0.2, noise: true }, createRng(1)).loss);
      });
      expect(tf.memory().numTensors).toBe(before);
      return info.kernels.filter((k) => k.name === 'Conv2D').length;
    };
    // Round 1: both convs; round 2: only the second one when reusing.
    expect(await conv2dCalls(computing)).toBe(4);
    expect(await conv2dCalls(reusing)).toBe(3);
    tf.dispose([batch.x, batch.y]);
  });

  it('no tensor leaks over many ANL steps', () => {
    const trainable = new TfjsTrainableModel(tinyConvModel(CLASSES), { optimizer: tf.train.adam(0.01) });
    const algorithm = createTrainingAlgorithm(trainable.ops, { method: 'anl', numClasses: CLASSES });
    const data = batches([8, 8, 1], 3);
    const rng = createRng(3);
    const run = (steps: number) => {
      for (let i = 0; i < steps; i++)
        tf.dispose(algorithm.step(trainable, data[i % 3], { eps: 0.1, noise: true }, rng).loss);
    };
    run(3);
    const after3 = tf.memory().numTensors;
    run(50);
    expect(tf.memory().numTensors).toBe(after3);
    tf.dispose(data.flatMap((d) => [d.x, d.y]));
  });
});

describe('FirstLayerReuse', () => {
  const layer = {};
  const kernel = () => tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const grads = (dy: tf.Tensor): [tf.Tensor, tf.Tensor | null] => [
    tf.tile(tf.reshape(tf.sum(dy), [1, 1]), [2, 2]),
    null,
  ];

  it('uses a stored value only for the same input and weight buffers', () => {
    const reuse = new FirstLayerReuse();
    const x = tf.tensor2d([1, 1], [1, 2]);
    const k = kernel();
    let computed = 0;
    const compute = (value: number) => () => {
      computed++;
      return tf.fill([1, 2], value);
    };
    reuse.begin(x, 'store');
    tf.dispose(reuse.linear(layer, x, k, null, compute(7), grads));
    reuse.end(false);
    expect(reuse.size).toBe(1);

    // Same x and kernel: the stored 7s, no computation.
    reuse.begin(x, 'use');
    const used = reuse.linear(layer, x, k, null, compute(8), grads);
    expect(Array.from(used.dataSync())).toEqual([7, 7]);
    expect(computed).toBe(1);
    // A new kernel buffer (an optimizer step assigns one): computed again.
    const k2 = kernel();
    const fresh = reuse.linear(layer, x, k2, null, compute(9), grads);
    expect(Array.from(fresh.dataSync())).toEqual([9, 9]);
    // Another batch: computed again.
    const otherX = tf.tensor2d([1, 1], [1, 2]);
    const other = reuse.linear(layer, otherX, k, null, compute(10), grads);
    expect(Array.from(other.dataSync())).toEqual([10, 10]);
    expect(computed).toBe(3);
    reuse.end(false);
    // A 'use' pass is the last of a step: nothing is kept after it.
    expect(reuse.size).toBe(0);
    tf.dispose([x, k, k2, otherX, used, fresh, other]);
  });

  it("a failed 'store' pass and an 'off' pass keep nothing", () => {
    const reuse = new FirstLayerReuse();
    const x = tf.tensor2d([1, 1], [1, 2]);
    const k = kernel();
    const before = tf.memory().numTensors;
    reuse.begin(x, 'store');
    tf.dispose(reuse.linear(layer, x, k, null, () => tf.ones([1, 2]), grads));
    reuse.end(true);
    expect(reuse.size).toBe(0);
    reuse.begin(x, 'off');
    tf.dispose(reuse.linear(layer, x, k, null, () => tf.ones([1, 2]), grads));
    reuse.end(false);
    expect(reuse.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, k]);
  });

  it("the reused value's gradient is the given weight gradient", () => {
    const reuse = new FirstLayerReuse();
    const x = tf.tensor2d([1, 2], [1, 2]);
    const k = tf.variable(kernel());
    reuse.begin(x, 'store');
    tf.dispose(reuse.linear(layer, x, k, null, () => tf.matMul(x, k), grads));
    reuse.end(false);
    reuse.begin(x, 'use');
    // d/dk of sum(3 · y): dy = 3 everywhere, so grads() gives sum(dy) = 6 in every entry.
    const { grads: g } = tf.variableGrads(
      () =>
        tf.sum(
          tf.mul(
            reuse.linear(layer, x, k, null, () => tf.matMul(x, k), grads),
            3,
          ),
        ) as tf.Scalar,
      [k],
    );
    reuse.end(false);
    expect(Array.from(g[k.name].dataSync())).toEqual([6, 6, 6, 6]);
    tf.dispose([x, k, g[k.name]]);
  });
});
