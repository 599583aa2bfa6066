import '@tensorflow/tfjs-backend-cpu';
import { ANP_VGG16_CIFAR10_SCHEDULE, AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, input, layers, sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { noiseLayer } from '../layers/noise-layer';
import { tinyData, tinyDenseModel, weightValues } from './test-models';
import { trainWithNoise } from './train-with-noise';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function sameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  return a.every((w, i) => w.every((v, j) => Object.is(v, b[i][j])));
}

async function caught(promise: Promise<unknown>): Promise<AnlError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AnlError);
  return error as AnlError;
}

/** A linear regression net with one noise point: input [2] -> dense(1) -> noise. */
function linearNoisy() {
  return sequential({
    layers: [layers.dense({ inputShape: [2], units: 1, kernelInitializer: 'ones' }), noiseLayer()],
  });
}

describe('trainWithNoise takes what model.fit takes', () => {
  it('[xs, ys] data, the compiled optimizer and loss, validationSplit like fit', async () => {
    const d = tinyData(20, [4], 3);
    const a = tinyDenseModel({ seed: 5 });
    a.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const b = tinyDenseModel({ seed: 5 });
    const options = { method: 'anl', eps: 0.1, epochs: 2, batchSize: 4, seed: 3 } as const;
    const h1 = await trainWithNoise(a, [d.xs, d.ys], { ...options, validationSplit: 0.25 });
    // The same run written out: the first 15 rows train, the last 5 validate (before shuffling).
    const h2 = await trainWithNoise(
      b,
      { xs: tf.slice(d.xs, 0, 15), ys: tf.slice(d.ys, 0, 15) },
      {
        ...options,
        optimizer: tf.train.sgd(0.1),
        validationData: [tf.slice(d.xs, 15, 5), tf.slice(d.ys, 15, 5)],
      },
    );
    expect(h1.history).toEqual(h2.history);
    expect(h1.params.samples).toBe(15);
    expect(sameWeights(weightValues(a), weightValues(b))).toBe(true);
  });

  it('verbose 1 prints one line per epoch; unknown keys are refused by name', async () => {
    const d = tinyData(8, [4], 3);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await trainWithNoise(tinyDenseModel(), d, {
        method: 'none',
        epochs: 2,
        optimizer: tf.train.sgd(0.1),
        verbose: 1,
      });
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^Epoch 2\/2 - [\d.]+s - loss: \d+\.\d{4} - acc: \d\.\d{4}$/);
    } finally {
      log.mockRestore();
    }
    const error = await caught(
      trainWithNoise(tinyDenseModel(), d, {
        method: 'anl',
        eps: 0.1,
        epochs: 1,
        optimizer: tf.train.sgd(0.1),
        epoch: 3,
      } as never),
    );
    expect(error.argument).toBe('options.epoch');
  });
});

describe('trainWithNoise refuses bad numbers with the weights as they were', () => {
  it('NaN or Infinity in xs, a NaN one-hot row: NON_FINITE naming the tensor', async () => {
    const model = tinyDenseModel();
    const before = weightValues(model);
    const d = tinyData(6, [4], 3);
    const badX = tf.tensor2d([[Number.NaN, 0, 0, 0], ...Array(5).fill([0, 0, 0, 0])]);
    const infX = tf.tensor2d([[Number.POSITIVE_INFINITY, 0, 0, 0], ...Array(5).fill([0, 0, 0, 0])]);
    const badY = tf.tensor2d([[Number.NaN, Number.NaN, Number.NaN], ...Array(5).fill([1, 0, 0])]);
    const options = { method: 'anl', eps: 0.1, epochs: 1, optimizer: tf.train.sgd(0.1) } as const;
    expect((await caught(trainWithNoise(model, { xs: badX, ys: d.ys }, options))).argument).toBe('data.xs');
    expect((await caught(trainWithNoise(model, { xs: infX, ys: d.ys }, options))).code).toBe('NON_FINITE');
    expect((await caught(trainWithNoise(model, { xs: d.xs, ys: badY }, options))).argument).toBe('data.ys');
    expect(sameWeights(weightValues(model), before)).toBe(true);
  });

  it('a non-finite loss: NON_FINITE before the update, or the batch skipped with onNonFinite skip', async () => {
    // Rows of 1e30 overflow the squared error (float32): the loss and gradients are Infinity/NaN.
    const xs = tf.tensor2d([
      [1e30, 1e30],
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ys = tf.tensor2d([[0], [1], [2], [3]]);
    const model = linearNoisy();
    const before = weightValues(model);
    const options = {
      method: 'gaussian',
      eps: 0.01,
      epochs: 1,
      batchSize: 1,
      shuffle: false,
      optimizer: tf.train.sgd(0.001),
      loss: 'meanSquaredError',
      seed: 1,
    } as const;
    const error = await caught(trainWithNoise(model, { xs, ys }, options));
    expect(error.code).toBe('NON_FINITE');
    expect(sameWeights(weightValues(model), before)).toBe(true);
    const history = await trainWithNoise(model, { xs, ys }, { ...options, onNonFinite: 'skip' });
    expect(history.params.skippedBatches).toBe(1);
    expect(weightValues(model).every((w) => w.every(Number.isFinite))).toBe(true);
    expect(sameWeights(weightValues(model), before)).toBe(false);
  });

  it('warns when the noise saturates the network (an epoch with noise that changes no weight)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const d = tinyData(8, [4], 4);
      // Every weight sits before a noise point followed by tanh: noise of 1e30 pins each tanh at
      // ±1, where its gradient is 0, so no weight can move whatever the learning rate.
      const net = () =>
        sequential({
          layers: [
            layers.dense({ inputShape: [4], units: 4 }),
            noiseLayer(),
            layers.activation({ activation: 'tanh' }),
          ],
        });
      const options = {
        method: 'anl',
        epochs: 2,
        optimizer: tf.train.sgd(0.1),
        loss: 'meanSquaredError',
        seed: 1,
      } as const;
      const calm = net();
      const before = weightValues(calm);
      await trainWithNoise(calm, d, { ...options, eps: 0.1 });
      expect(sameWeights(weightValues(calm), before)).toBe(false);
      expect(warn).not.toHaveBeenCalled();
      const saturated = net();
      const frozen = weightValues(saturated);
      await trainWithNoise(saturated, d, { ...options, eps: 1e30 });
      expect(sameWeights(weightValues(saturated), frozen)).toBe(true);
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[0][0])).toMatch(/epoch 0 trained with eps 1e\+30 and changed no weight/);
    } finally {
      warn.mockRestore();
    }
  });

  it("std 'running' with LAT is refused; a model with two inputs is refused", async () => {
    const d = tinyData(4, [4], 3);
    const e1 = await caught(
      trainWithNoise(tinyDenseModel(), d, {
        method: 'lat',
        eps: 0.1,
        epochs: 1,
        optimizer: tf.train.sgd(0.1),
        std: 'running',
      }),
    );
    expect(e1).toMatchObject({ code: 'UNSUPPORTED', argument: 'options.std' });
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    const merged = layers.concatenate().apply([a, b]) as ReturnType<typeof input>;
    const out = layers
      .dense({ units: 3, activation: 'softmax' })
      .apply(noiseLayer().apply(merged)) as ReturnType<typeof input>;
    const twoInputs = functionalModel({ inputs: [a, b], outputs: out });
    const e2 = await caught(
      trainWithNoise(twoInputs, d, { method: 'anl', eps: 0.1, epochs: 1, optimizer: tf.train.sgd(0.1) }),
    );
    expect(e2).toMatchObject({ code: 'UNSUPPORTED', argument: 'model' });
  });
});

describe('ANP with its phases through trainWithNoise', () => {
  it('runs each phase with its eps and passes, and no noise outside the phases', async () => {
    const d = tinyData(8, [4], 3);
    const model = tinyDenseModel();
    const optimizer = tf.train.sgd(0.05);
    const apply = vi.spyOn(optimizer, 'applyGradients');
    const updates: number[] = [];
    const history = await trainWithNoise(model, d, {
      method: 'anp',
      epochs: 4,
      batchSize: 4,
      optimizer,
      seed: 2,
      anpPhases: [
        { from: 1, to: 2, eps: 0.3, alpha: 0.7, passes: 3 },
        { from: 2, to: 3, eps: 1, alpha: 1, passes: 2 },
      ],
      callbacks: { onEpochEnd: () => void updates.push(apply.mock.calls.length) },
    });
    expect(history.history.eps).toEqual([0, 0.3, 1, 0]);
    // Two batches per epoch; an ANP step makes `passes` updates, a clean one makes one.
    expect(updates).toEqual([2, 2 + 6, 2 + 6 + 4, 2 + 6 + 4 + 2]);
    expect(ANP_VGG16_CIFAR10_SCHEDULE.anpPhases?.length).toBe(3);
  });
});
