import '@tensorflow/tfjs-backend-cpu';
import { AnlError, type NoiseMethod } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfdata from '@tensorflow/tfjs-data';
import {
  model as functionalModel,
  input,
  layers,
  sequential,
  callbacks as tfCallbacks,
} from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { insertNoiseLayers } from '../model-surgery/insert-noise-layers';
import { pseudoRandom, tinyData, tinyDenseModel, weightValues } from './test-models';
import { trainWithNoise } from './train-with-noise';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Points in 4-D labelled by which of 3 fixed directions they are closest to: learnable, not trivial. */
function learnableData(n: number, seed: number) {
  const x = pseudoRandom(n * 4, seed);
  const dirs = [
    [1, 0, 0, 1],
    [0, 1, -1, 0],
    [-1, -1, 1, 0],
  ];
  const labels = Int32Array.from({ length: n }, (_, i) => {
    const row = x.subarray(i * 4, i * 4 + 4);
    const scores = dirs.map((d) => d.reduce((s, v, j) => s + v * row[j], 0));
    return scores.indexOf(Math.max(...scores));
  });
  return {
    xs: tf.tensor2d(x, [n, 4]),
    ys: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32'),
    labels,
  };
}

function sameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  return (
    a.length === b.length && a.every((w, i) => w.length === b[i].length && w.every((v, j) => v === b[i][j]))
  );
}

describe('trainWithNoise', () => {
  it('learns a small problem with ANL and reports a tfjs-style history with validation', async () => {
    const model = tinyDenseModel({ hidden: 12, seed: 2 });
    const train = learnableData(96, 1);
    const val = learnableData(48, 2);
    const history = await trainWithNoise(model, train, {
      method: 'anl',
      eps: 0.05,
      epochs: 12,
      batchSize: 16,
      optimizer: tf.train.adam(0.03),
      seed: 5,
      validationData: [val.xs, val.ys],
    });
    expect(history.epoch).toEqual([...Array(12).keys()]);
    expect(history.history.loss).toHaveLength(12);
    expect(history.history.val_acc).toHaveLength(12);
    expect(history.history.eps).toEqual(Array(12).fill(0.05));
    expect(history.history.loss[11]).toBeLessThan(history.history.loss[0] * 0.7);
    expect(history.history.val_acc![11]).toBeGreaterThan(0.75);
    expect(history.params.seed).toBe(5);
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
  });

  it('reports val_acc equal to an accuracy computed independently from model.predict', async () => {
    const model = tinyDenseModel({ seed: 4 });
    const train = learnableData(20, 3);
    const val = learnableData(30, 4);
    const history = await trainWithNoise(model, train, {
      method: 'none',
      epochs: 1,
      batchSize: 8,
      optimizer: tf.train.sgd(0.1),
      seed: 1,
      validationData: val,
    });
    const predicted = tf.argMax(model.predict(val.xs) as tf.Tensor, -1).dataSync();
    const hits = val.labels.filter((c, i) => predicted[i] === c).length;
    expect(history.history.val_acc![0]).toBeCloseTo(hits / 30, 6);
    tf.dispose([train.xs, train.ys, val.xs, val.ys]);
  });

  it('cuts any batch size, with a smaller last batch, and shuffles reproducibly from the seed', async () => {
    const run = async (seed: number) => {
      const model = tinyDenseModel({ seed: 6 });
      const d = tinyData(10, [4], 3);
      const sizes: number[] = [];
      await trainWithNoise(model, d, {
        method: 'gaussian',
        eps: 0.1,
        epochs: 2,
        batchSize: 4,
        optimizer: tf.train.sgd(0.1),
        seed,
        callbacks: { onBatchEnd: (_b, logs) => void sizes.push(logs!.size) },
      });
      tf.dispose([d.xs, d.ys]);
      return { sizes, weights: weightValues(model) };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.sizes).toEqual([4, 4, 2, 4, 4, 2]);
    expect(sameWeights(a.weights, b.weights)).toBe(true);
    expect(sameWeights(a.weights, c.weights)).toBe(false);
  });

  it('integer labels train exactly like the same labels one-hot', async () => {
    const run = async (sparse: boolean) => {
      const model = tinyDenseModel({ seed: 8 });
      const d = learnableData(12, 9);
      const ys = sparse ? tf.tensor1d(d.labels, 'int32') : d.ys;
      await trainWithNoise(
        model,
        { xs: d.xs, ys },
        {
          method: 'canl',
          eps: 0.1,
          epochs: 2,
          batchSize: 5,
          optimizer: tf.train.sgd(0.2),
          seed: 3,
        },
      );
      tf.dispose([d.xs, d.ys, ys]);
      return weightValues(model);
    };
    expect(sameWeights(await run(true), await run(false))).toBe(true);
  });

  it('noiseEpochs turns noise off after N epochs; eps may be a function of the epoch; learningRate sets the optimizer', async () => {
    const model = tinyDenseModel();
    const d = tinyData(8, [4], 3);
    const optimizer = tf.train.sgd(1);
    const rates: number[] = [];
    const history = await trainWithNoise(model, d, {
      method: 'anl',
      eps: (epoch) => -0.01 * (epoch + 1),
      noiseEpochs: 2,
      epochs: 4,
      batchSize: 8,
      optimizer,
      learningRate: (epoch) => 0.1 / (epoch + 1),
      seed: 1,
      callbacks: {
        onEpochBegin: () => void rates.push((optimizer as unknown as { learningRate: number }).learningRate),
      },
    });
    expect(history.history.eps).toEqual([-0.01, -0.02, 0, 0]);
    expect(rates).toEqual([0.1, 0.05, 0.1 / 3, 0.025]);
    tf.dispose([d.xs, d.ys]);
  });

  it('calls callbacks in tfjs order and stops on "stop", on model.stopTraining and with tf.callbacks.earlyStopping', async () => {
    const d = tinyData(8, [4], 3);
    const calls: string[] = [];
    const base = {
      method: 'lat' as const,
      eps: 0.01,
      epochs: 5,
      batchSize: 4,
      optimizer: tf.train.sgd(0.1),
      seed: 1,
    };
    await trainWithNoise(tinyDenseModel(), d, {
      ...base,
      callbacks: {
        onTrainBegin: () => void calls.push('trainBegin'),
        onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
        onBatchBegin: (b) => void calls.push(`batchBegin ${b}`),
        onBatchEnd: (b, logs) => void calls.push(`batchEnd ${b} ${Number.isFinite(logs!.loss)}`),
        onEpochEnd: (e, logs) => {
          calls.push(`epochEnd ${e} ${Number.isFinite(logs!.loss)} ${logs!.acc >= 0 && logs!.acc <= 1}`);
          return e === 1 ? 'stop' : undefined;
        },
        onTrainEnd: () => void calls.push('trainEnd'),
      },
    });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batchBegin 0',
      'batchEnd 0 true',
      'batchBegin 1',
      'batchEnd 1 true',
      'epochEnd 0 true true',
      'epochBegin 1',
      'batchBegin 0',
      'batchEnd 0 true',
      'batchBegin 1',
      'batchEnd 1 true',
      'epochEnd 1 true true',
      'trainEnd',
    ]);

    const model = tinyDenseModel();
    const stopped = await trainWithNoise(model, d, {
      ...base,
      callbacks: {
        onBatchEnd: (b) => {
          if (b === 0) model.stopTraining = true;
        },
      },
    });
    expect(stopped.epoch).toEqual([0]);

    // Monitoring `loss` with an improvement threshold no epoch can meet: stops after the second epoch.
    const early = await trainWithNoise(tinyDenseModel(), d, {
      ...base,
      callbacks: [tfCallbacks.earlyStopping({ monitor: 'loss', minDelta: 100, patience: 0 })],
    });
    expect(early.epoch).toEqual([0, 1]);
    tf.dispose([d.xs, d.ys]);
  });

  it('trains from a tf.data.Dataset of {xs, ys} batches, with integer labels and CANL', async () => {
    const model = tinyDenseModel({ seed: 12 });
    const d = learnableData(30, 5);
    const dataset = tfdata
      .zip({ xs: tfdata.array(tf.unstack(d.xs)), ys: tfdata.array(Array.from(d.labels)) })
      .batch(8) as unknown as Parameters<typeof trainWithNoise>[1];
    const sizes: number[] = [];
    const optimizer = tf.train.sgd(0.1);
    const before = tf.memory().numTensors;
    const history = await trainWithNoise(model, dataset, {
      method: 'canl',
      eps: 0.1,
      epochs: 2,
      optimizer,
      seed: 2,
      callbacks: { onBatchEnd: (_b, logs) => void sizes.push(logs!.size) },
    });
    expect(sizes).toEqual([8, 8, 8, 6, 8, 8, 8, 6]);
    expect(history.history.loss).toHaveLength(2);
    expect(history.params.noiseStateBytes).toBe(2 * 3 * 5 * 4); // 2 layers x 3 classes x 5 floats
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([d.xs, d.ys]);
  });

  it('trains models from insertNoiseLayers: a CNN with BatchNorm (noise after BN) and a residual functional model', async () => {
    const cnn = sequential({
      layers: [
        layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3 }),
        layers.batchNormalization(),
        layers.reLU(),
        layers.flatten(),
        layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const x = input({ shape: [4] });
    const h = layers.dense({ units: 4, name: 'res_dense' }).apply(x) as never;
    const sum = layers.add().apply([x, h]) as never;
    const out = layers.dense({ units: 3, activation: 'softmax' }).apply(sum) as never;
    const residual = functionalModel({ inputs: x, outputs: out });
    const cases = [
      {
        model: insertNoiseLayers(cnn, { after: 'BatchNormalization', input: true }),
        data: tinyData(12, [6, 6, 1], 3),
      },
      { model: insertNoiseLayers(residual, { after: 'Dense' }), data: tinyData(12, [4], 3) },
    ];
    for (const { model, data } of cases) {
      for (const method of ['anl', 'canl'] as const) {
        const before = weightValues(model);
        const history = await trainWithNoise(model, data, {
          method,
          eps: 0.05,
          epochs: 2,
          batchSize: 5,
          optimizer: tf.train.sgd(0.1),
          seed: 1,
        });
        expect(history.history.loss.every(Number.isFinite)).toBe(true);
        expect(sameWeights(weightValues(model), before)).toBe(false);
      }
      tf.dispose([data.xs, data.ys]);
    }
    // BatchNorm's moving mean moved during training (it is not a trainable weight).
    const movingMean = cnn.layers[1].getWeights()[2].dataSync();
    expect(Array.from(movingMean).some((v) => v !== 0)).toBe(true);
  });

  it('reads nothing back from the device inside steps with onNonFinite ignore: one data check, three reads per epoch (loss and accuracy sums, the saturation check)', async () => {
    const d = tinyData(24, [4], 3);
    const model = tinyDenseModel();
    const reads = vi.spyOn(tf.Tensor.prototype, 'data');
    const syncReads = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const arrays = vi.spyOn(tf.Tensor.prototype, 'arraySync');
    try {
      for (const method of ['anl', 'lat', 'gaussian', 'anp'] as const) {
        reads.mockClear();
        syncReads.mockClear();
        arrays.mockClear();
        await trainWithNoise(model, d, {
          method,
          eps: 0.05,
          epochs: 3,
          batchSize: 4,
          optimizer: tf.train.sgd(0.1),
          seed: 1,
          onNonFinite: 'ignore',
        });
        expect(reads.mock.calls.length).toBe(1 + 3 * 3);
        expect(syncReads.mock.calls.length).toBe(0);
        expect(arrays.mock.calls.length).toBe(0);
      }
      // By default every optimizer update first checks its gradients are finite: one scalar read each.
      syncReads.mockClear();
      await trainWithNoise(model, d, {
        method: 'anl',
        eps: 0.05,
        epochs: 3,
        batchSize: 4,
        optimizer: tf.train.sgd(0.1),
        seed: 1,
      });
      expect(syncReads.mock.calls.length).toBe(3 * 6);
    } finally {
      reads.mockRestore();
      syncReads.mockRestore();
      arrays.mockRestore();
    }
    tf.dispose([d.xs, d.ys]);
  });

  it('applies batchTransform to every batch and frees what it returns', async () => {
    const d = tinyData(12, [4], 3);
    const sizes: number[] = [];
    const optimizer = tf.train.sgd(0.1);
    const model = tinyDenseModel();
    const before = tf.memory().numTensors;
    await trainWithNoise(model, d, {
      method: 'anl',
      eps: 0.1,
      epochs: 2,
      batchSize: 4,
      optimizer,
      seed: 1,
      // Clean + shifted copy, as adversarial training does with its examples.
      batchTransform: ({ xs, ys }) =>
        tf.tidy(() => ({ xs: tf.concat([xs, tf.add(xs, 0.1)]), ys: tf.concat([ys, ys]) })),
      callbacks: { onBatchEnd: (_b, logs) => void sizes.push(logs!.size) },
    });
    expect(sizes).toEqual([8, 8, 8, 8, 8, 8]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([d.xs, d.ys]);
  });

  describe('refuses bad input with a typed error before any weight changes', () => {
    const cases: [string, (d: ReturnType<typeof tinyData>) => [unknown, unknown], string, string?][] = [
      [
        'no optimizer',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 1 }],
        'INVALID_ARGUMENT',
        'options.optimizer',
      ],
      [
        'eps NaN',
        (d) => [d, { method: 'anl', eps: Number.NaN, epochs: 1 }],
        'INVALID_ARGUMENT',
        'options.eps',
      ],
      ['eps missing', (d) => [d, { method: 'canl', epochs: 1 }], 'INVALID_ARGUMENT', 'options.eps'],
      [
        'eps(2) NaN',
        (d) => [d, { method: 'anl', eps: (e: number) => (e === 2 ? Number.NaN : 0.1), epochs: 3 }],
        'INVALID_ARGUMENT',
      ],
      [
        'unknown method',
        (d) => [d, { method: 'pgd', eps: 0.1, epochs: 1 }],
        'UNKNOWN_METHOD',
        'options.method',
      ],
      [
        'batchSize 0',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 1, batchSize: 0 }],
        'INVALID_ARGUMENT',
        'options.batchSize',
      ],
      [
        'epochs 1.5',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 1.5 }],
        'INVALID_ARGUMENT',
        'options.epochs',
      ],
      [
        'xs/ys rows differ',
        (d) => [
          { xs: d.xs, ys: tf.slice(d.ys, 0, 5) },
          { method: 'anl', eps: 0.1, epochs: 1 },
        ],
        'SHAPE_MISMATCH',
        'data.ys',
      ],
      [
        'xs of the wrong width',
        () => [
          { xs: tf.zeros([6, 3]), ys: tf.zeros([6, 3]) },
          { method: 'anl', eps: 0.1, epochs: 1 },
        ],
        'SHAPE_MISMATCH',
        'data.xs',
      ],
      [
        'a label outside the classes',
        (d) => [
          { xs: d.xs, ys: tf.tensor1d([0, 1, 2, 3, 0, 1]) },
          { method: 'anl', eps: 0.1, epochs: 1 },
        ],
        'INVALID_LABELS',
        'data.ys',
      ],
      [
        'a fractional label',
        (d) => [
          { xs: d.xs, ys: tf.tensor1d([0, 1, 2, 0.5, 0, 1]) },
          { method: 'none', epochs: 1 },
        ],
        'INVALID_LABELS',
        'data.ys',
      ],
      [
        'numClasses not the output width',
        (d) => [d, { method: 'canl', eps: 0.1, epochs: 1, numClasses: 5 }],
        'SHAPE_MISMATCH',
        'options.numClasses',
      ],
      [
        'a bad validation set',
        (d) => [
          d,
          { method: 'anl', eps: 0.1, epochs: 1, validationData: { xs: d.xs, ys: tf.zeros([6, 2]) } },
        ],
        'SHAPE_MISMATCH',
      ],
      [
        'a negative learning rate',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 2, learningRate: (e: number) => 0.1 - e }],
        'INVALID_ARGUMENT',
      ],
      [
        'a callback hook that is not a function',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 1, callbacks: { onEpochEnd: 3 } }],
        'INVALID_ARGUMENT',
      ],
      [
        'an unknown std mode',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 1, std: 'median' }],
        'INVALID_ARGUMENT',
        'options.std',
      ],
      ['anpPasses 0', (d) => [d, { method: 'anp', eps: 0.1, epochs: 1, anpPasses: 0 }], 'INVALID_ARGUMENT'],
      [
        'a batchTransform that is not a function',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 1, batchTransform: {} }],
        'INVALID_ARGUMENT',
        'options.batchTransform',
      ],
      [
        'an unknown loss name',
        (d) => [d, { method: 'anl', eps: 0.1, epochs: 1, loss: 'hinge' }],
        'INVALID_ARGUMENT',
        'loss',
      ],
    ];
    for (const [name, make, code, argument] of cases) {
      it(name, async () => {
        const model = tinyDenseModel();
        const d = tinyData(6, [4], 3);
        const [data, partial] = make(d);
        const options = { optimizer: tf.train.sgd(0.1), ...(partial as object) };
        if (name === 'no optimizer') delete (options as { optimizer?: unknown }).optimizer;
        const before = weightValues(model);
        const tensorsBefore = tf.memory().numTensors;
        const error = await trainWithNoise(model, data as never, options as never).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AnlError);
        expect((error as AnlError).code).toBe(code);
        if (argument !== undefined) expect((error as AnlError).argument).toBe(argument);
        expect((error as AnlError).message.length).toBeGreaterThan(20);
        expect(sameWeights(weightValues(model), before)).toBe(true);
        expect(tf.memory().numTensors).toBe(tensorsBefore);
        tf.dispose([d.xs, d.ys]);
      });
    }

    it('a model without noise layers and a noise method: NOT_FOUND, pointing at insertNoiseLayers', async () => {
      const model = sequential({
        layers: [layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })],
      });
      const d = tinyData(6, [4], 3);
      const before = weightValues(model);
      const error = await trainWithNoise(model, d, {
        method: 'anl',
        eps: 0.1,
        epochs: 1,
        optimizer: tf.train.sgd(0.1),
      }).catch((e: unknown) => e);
      expect((error as AnlError).code).toBe('NOT_FOUND');
      expect((error as AnlError).message).toContain('insertNoiseLayers');
      expect(sameWeights(weightValues(model), before)).toBe(true);
      // The baseline needs no noise layers.
      await trainWithNoise(model, d, { method: 'none', epochs: 1, optimizer: tf.train.sgd(0.1), seed: 1 });
      expect(sameWeights(weightValues(model), before)).toBe(false);
      tf.dispose([d.xs, d.ys]);
    });

    it('a dataset whose first batch has a bad label changes nothing', async () => {
      const model = tinyDenseModel();
      const before = weightValues(model);
      const dataset = tfdata.array([{ xs: tf.zeros([2, 4]), ys: tf.tensor1d([0, 7]) }]);
      const error = await trainWithNoise(model, dataset as never, {
        method: 'canl',
        eps: 0.1,
        epochs: 1,
        optimizer: tf.train.sgd(0.1),
      }).catch((e: unknown) => e);
      expect((error as AnlError).code).toBe('INVALID_LABELS');
      expect(sameWeights(weightValues(model), before)).toBe(true);
    });
  });
});

describe('trainWithNoise memory', () => {
  const methods: NoiseMethod[] = ['none', 'anl', 'canl', 'lat', 'gaussian', 'anp'];
  for (const method of methods) {
    it(`${method}: as many tensors after 200 steps as after 10, and none left after training`, async () => {
      const d = tinyData(40, [4], 3);
      const val = tinyData(9, [4], 3, 5);
      const model = tinyDenseModel({ hidden: 4 });
      const optimizer = tf.train.momentum(0.05, 0.9);
      let step = 0;
      const counts: Record<number, number> = {};
      // Momentum keeps one slot per weight, created on its first update.
      const before = tf.memory().numTensors + model.trainableWeights.length;
      await trainWithNoise(model, d, {
        method,
        eps: 0.05,
        std: method === 'anl' ? 'running' : 'batch',
        epochs: 20,
        batchSize: 4,
        optimizer,
        seed: 1,
        validationData: val,
        callbacks: {
          onBatchEnd: () => {
            step += 1;
            if (step === 10 || step === 200) counts[step] = tf.memory().numTensors;
          },
        },
      });
      expect(step).toBe(200);
      expect(counts[200]).toBe(counts[10]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([d.xs, d.ys, val.xs, val.ys]);
    });
  }
});
