import '@tensorflow/tfjs-backend-cpu';
import {
  AnlError,
  type Batch,
  createRng,
  createTrainingAlgorithm,
  getNoiseMethod,
  listNoiseMethods,
  NoiseScale,
  type TrainingAlgorithmOptions,
} from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarkerLayer } from '../../test/fixtures/marker-layer.mjs';
import { noiseLayer } from '../layers/noise-layer';
import { tinyData, tinyDenseModel } from '../training/test-models';
import { TfjsTrainableModel } from '../training/tfjs-trainable-model';
import { trainWithNoise } from '../training/train-with-noise';
import { liveWorkerThreads } from './live-workers';
import { startWorkerPool } from './start-worker-pool';
import type { WorkerPoolModel } from './worker-pool-model';

const MARKER_MODULE = new URL('../../test/fixtures/marker-layer.mjs', import.meta.url).href;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  expect(liveWorkerThreads()).toBe(0);
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const valuesOf = (model: LayersModel) => model.getWeights().map((w) => w.dataSync().slice());
const expectClose = (a: ArrayLike<number>[], b: ArrayLike<number>[], tolerance = 1e-5) => {
  expect(a.length).toBe(b.length);
  a.forEach((w, i) => {
    expect(maxAbsDiff(w, b[i])).toBeLessThanOrEqual(tolerance);
  });
};

/** 7 rows (split 4 + 3: the weighting by rows matters), 3 classes, labels i mod 3. */
function batchOf(features = 4): Batch<tf.Tensor> & { dispose(): void } {
  const { xs, ys, labels } = tinyData(7, [features], 3, 11);
  return { x: xs, y: ys, labels, batchSize: 7, dispose: () => tf.dispose([xs, ys]) };
}

const SETTINGS = { eps: 0.5, noise: true };

describe('WorkerPoolModel', () => {
  it('two steps on 2 workers give the weights of the same steps on one thread, for every method', async () => {
    const initial = tinyDenseModel({ seed: 3 }).getWeights();
    const single = tinyDenseModel({ seed: 3 });
    const pooled = tinyDenseModel({ seed: 3 });
    const main = new TfjsTrainableModel(pooled, { optimizer: tf.train.sgd(0.2) });
    const pool = await startWorkerPool(main, { workers: 2, backend: 'cpu', batchSize: 7 });
    const batch = batchOf();
    const singleTrainable = new TfjsTrainableModel(single, { optimizer: tf.train.sgd(0.2) });
    // The optimizers keep their learning rate as a tensor from their first update on.
    singleTrainable.optimizer.applyGradients({});
    main.optimizer.applyGradients({});
    const start = tf.memory().numTensors;
    const tensorCounts: number[] = [];
    try {
      expect(listNoiseMethods()).toEqual(
        expect.arrayContaining(['none', 'anl', 'canl', 'lat', 'gaussian', 'anp']),
      );
      // Input-space methods (adversarial training, TRADES) need doLossPass, which the pool lacks:
      // they are refused with a typed error (tested below).
      const configs: TrainingAlgorithmOptions[] = [
        ...listNoiseMethods()
          .filter((m) => getNoiseMethod(m).needsLossPass !== true)
          .map((method) => ({ method, numClasses: 3 })),
        // s(h) from the workers' moments (noiseReadsOnlyStd) also in the running mode and for Gaussian.
        { method: 'anl', std: 'running' },
        { method: 'canl', numClasses: 3, std: 'running' },
        { method: 'gaussian', methodOptions: { gaussian: { scaleByStd: true } } },
        // CANL's noise as class rows (noiseAsRows), built per worker; with more classes than the
        // batch's rows the table does not fit the shared area and main builds eta instead.
        { method: 'canl', numClasses: 9 },
      ];
      for (const options of configs) {
        const method = JSON.stringify(options);
        single.setWeights(initial);
        pooled.setWeights(initial);
        pool.markWeightsChanged();
        const stepsBefore = pool.stepsOnWorkers;
        const runs = [single, pooled].map((model) => {
          const trainable = model === single ? singleTrainable : pool;
          const algorithm = createTrainingAlgorithm(trainable.ops, options);
          const rng = createRng(17);
          const losses: number[] = [];
          for (let step = 0; step < 2; step++) {
            const { loss } = algorithm.step(trainable, batch, SETTINGS, rng);
            losses.push(loss.dataSync()[0]);
            loss.dispose();
          }
          algorithm.dispose();
          return { losses, weights: valuesOf(model) };
        });
        // The same count after every method (the pool keeps one stand-in h per point, freed by terminate).
        tensorCounts.push(tf.memory().numTensors);
        expect(tensorCounts[tensorCounts.length - 1], method).toBe(tensorCounts[0]);
        // The built-in noise methods run whole steps on the workers (their noise made there).
        expect(pool.stepsOnWorkers - stepsBefore, method).toBe(2);
        expect(maxAbsDiff(runs[0].losses, runs[1].losses), method).toBeLessThan(1e-5);
        expectClose(runs[0].weights, runs[1].weights);
        // The steps did move the weights (the comparison is not between two untouched models).
        expect(maxAbsDiff(runs[1].weights[0], initial[0].dataSync())).toBeGreaterThan(1e-3);
      }
    } finally {
      batch.dispose();
      await pool.terminate();
    }
    expect(tf.memory().numTensors).toBe(start - 2);
  });

  it('steps on the workers follow batches of changing size, also smaller than the pool: LAT takes i mod B_prev rows, CANL one row per class, from any worker', async () => {
    const single = tinyDenseModel({ seed: 12 });
    const pooled = tinyDenseModel({ seed: 12 });
    const pool = await startWorkerPool(new TfjsTrainableModel(pooled, { optimizer: tf.train.sgd(0.2) }), {
      workers: 3,
      backend: 'cpu',
      batchSize: 7,
    });
    // 2 rows for 3 workers: the third holds none of that batch, nor of the previous one's rows next.
    const batches = [7, 4, 2, 7, 5].map((n, i) => {
      const { xs, ys, labels } = tinyData(n, [4], 3, 20 + i);
      return { x: xs, y: ys, labels, batchSize: n };
    });
    try {
      const configs: TrainingAlgorithmOptions[] = [
        { method: 'lat' },
        { method: 'canl', numClasses: 3 },
        { method: 'anl', std: 'running' },
        { method: 'anp' },
      ];
      for (const options of configs) {
        const method = JSON.stringify(options);
        single.setWeights(pooled.getWeights());
        const runs = [new TfjsTrainableModel(single, { optimizer: tf.train.sgd(0.2) }), pool].map(
          (trainable) => {
            const algorithm = createTrainingAlgorithm(trainable.ops, options);
            const rng = createRng(31);
            const losses = batches.map((batch) => {
              const { loss } = algorithm.step(trainable, batch, SETTINGS, rng);
              const value = loss.dataSync()[0];
              loss.dispose();
              return value;
            });
            // The rng advanced exactly as on one thread.
            const next = rng.nextUint32();
            algorithm.dispose();
            return { losses, next };
          },
        );
        expect(maxAbsDiff(runs[0].losses, runs[1].losses), method).toBeLessThan(1e-5);
        expect(runs[1].next, method).toBe(runs[0].next);
        expectClose(valuesOf(single), valuesOf(pooled));
      }
      expect(pool.stepsOnWorkers).toBe(20);
    } finally {
      for (const b of batches) tf.dispose([b.x, b.y]);
      await pool.terminate();
    }
  });

  it("CANL's cache rows of many classes take several exchanges when they do not fit the gather area at once", async () => {
    const single = tinyDenseModel({ seed: 13, classes: 7 });
    const pooled = tinyDenseModel({ seed: 13, classes: 7 });
    const pool = await startWorkerPool(new TfjsTrainableModel(pooled, { optimizer: tf.train.sgd(0.2) }), {
      workers: 2,
      backend: 'cpu',
      batchSize: 7,
    });
    // 7 classes present: 7 rows of 5 values at each of the two noise points; the area holds 7 × 5.
    const { xs, ys } = tinyData(7, [4], 7, 3);
    const batch = { x: xs, y: ys, labels: Int32Array.from({ length: 7 }, (_, i) => i), batchSize: 7 };
    try {
      for (const [model, trainable] of [
        [single, new TfjsTrainableModel(single, { optimizer: tf.train.sgd(0.2) })],
        [pooled, pool],
      ] as const) {
        const algorithm = createTrainingAlgorithm(trainable.ops, { method: 'canl', numClasses: 7 });
        const rng = createRng(5);
        for (let step = 0; step < 3; step++) algorithm.step(trainable, batch, SETTINGS, rng).loss.dispose();
        algorithm.dispose();
        expect(valuesOf(model)[0].length).toBeGreaterThan(0);
      }
      expect(pool.stepsOnWorkers).toBe(3);
      expectClose(valuesOf(single), valuesOf(pooled));
    } finally {
      tf.dispose([xs, ys]);
      await pool.terminate();
    }
  });

  it('a batch larger than the shared areas were made for grows them (every worker gets the new ones)', async () => {
    const single = tinyDenseModel({ seed: 6 });
    const pooled = tinyDenseModel({ seed: 6 });
    const pool = await startWorkerPool(new TfjsTrainableModel(pooled, { optimizer: tf.train.sgd(0.2) }), {
      workers: 2,
      backend: 'cpu',
      batchSize: 2,
    });
    const batch = batchOf();
    try {
      for (const [model, trainable] of [
        [single, new TfjsTrainableModel(single, { optimizer: tf.train.sgd(0.2) })],
        [pooled, pool],
      ] as const) {
        const algorithm = createTrainingAlgorithm(trainable.ops, { method: 'canl', numClasses: 3 });
        const rng = createRng(2);
        for (let step = 0; step < 2; step++) algorithm.step(trainable, batch, SETTINGS, rng).loss.dispose();
        algorithm.dispose();
        expect(valuesOf(model)[0].length).toBeGreaterThan(0);
      }
      expectClose(valuesOf(single), valuesOf(pooled));
    } finally {
      batch.dispose();
      await pool.terminate();
    }
  });

  it("s(h) and CANL's class cache are the whole batch's: equal to one thread's after a step", async () => {
    const single = tinyDenseModel({ seed: 5 });
    const pooled = tinyDenseModel({ seed: 5 });
    const main = new TfjsTrainableModel(pooled, { optimizer: tf.train.sgd(0.2) });
    const pool = await startWorkerPool(main, { workers: 2, backend: 'cpu', batchSize: 7 });
    const batch = batchOf();
    try {
      const results = [new TfjsTrainableModel(single, { optimizer: tf.train.sgd(0.2) }), pool].map(
        (model) => {
          // Running std: its stored value after a step is a function of the step's whole-batch s(h).
          const scale = new NoiseScale(model.ops, 'running', 0.9);
          const runner = getNoiseMethod('canl').createRunner<tf.Tensor>({
            ops: model.ops,
            options: {},
            common: { std: 'running', runningMomentum: 0.9, numClasses: 3 },
            noiseScale: () => scale,
          }) as unknown as {
            step(ctx: object): tf.Tensor;
            classCache: { table(t: number): tf.Tensor };
            dispose(): void;
          };
          const rng = createRng(4);
          for (let step = 0; step < 2; step++) {
            runner
              .step({ ops: model.ops, model, batch, settings: SETTINGS, rng, labels: batch.labels })
              .dispose();
          }
          const out = {
            std: [0, 1].map((t) => (scale.runningValue(t) as tf.Tensor).dataSync()[0]),
            cache: [0, 1].map((t) => runner.classCache.table(t).dataSync().slice()),
          };
          runner.dispose();
          return out;
        },
      );
      expect(results[0].std.every((s) => s > 0)).toBe(true);
      expect(maxAbsDiff(results[0].std, results[1].std)).toBeLessThan(1e-6);
      expectClose(results[0].cache, results[1].cache, 1e-6);
      // Every class was cached (7 rows, 3 classes), so the tables are not all zero.
      expect(results[1].cache.every((table) => table.some((v) => v !== 0))).toBe(true);
    } finally {
      batch.dispose();
      await pool.terminate();
    }
  });

  it('activations or gradients that are not finite give NON_FINITE and nothing is applied', async () => {
    const pooled = tinyDenseModel({ seed: 9 });
    const main = new TfjsTrainableModel(pooled, { optimizer: tf.train.sgd(0.2) });
    const pool = await startWorkerPool(main, { workers: 2, backend: 'cpu', batchSize: 7 });
    const good = batchOf();
    const values = good.x.dataSync().slice();
    values[6 * 4] = Number.NaN; // a row of worker 1's
    const bad = { ...good, x: tf.tensor(values, good.x.shape) };
    try {
      for (const method of ['anl', 'canl', 'none']) {
        const algorithm = createTrainingAlgorithm(pool.ops, { method, numClasses: 3 });
        // A good step first: the pool's stand-in h per point are made once and kept.
        algorithm.step(pool, good, SETTINGS, createRng(1)).loss.dispose();
        const before = valuesOf(pooled);
        const tensors = tf.memory().numTensors;
        // s(h) of the noise methods is NaN; the baseline's summed gradients are (checked while summing).
        expect(() => algorithm.step(pool, bad, SETTINGS, createRng(1)), method).toThrow(
          expect.objectContaining({
            code: 'NON_FINITE',
            argument: method === 'none' ? 'gradients' : 'model',
          }),
        );
        expect(tf.memory().numTensors).toBe(tensors);
        expectClose(valuesOf(pooled), before, 0);
        // The pool goes on: a good step after it trains.
        algorithm.step(pool, good, SETTINGS, createRng(1)).loss.dispose();
        expect(maxAbsDiff(valuesOf(pooled)[0], before[0])).toBeGreaterThan(1e-4);
        algorithm.dispose();
      }
    } finally {
      good.dispose();
      bad.x.dispose();
      await pool.terminate();
    }
  });

  it("BatchNormalization: statistics per worker; worker 0's moving averages are kept, as DDP does", async () => {
    const bnModel = () =>
      sequential({
        layers: [
          layers.dense({
            inputShape: [4],
            units: 5,
            kernelInitializer: initializers.glorotUniform({ seed: 2 }),
          }),
          layers.batchNormalization({ momentum: 0.5 }),
          noiseLayer(),
          layers.dense({
            units: 3,
            activation: 'softmax',
            kernelInitializer: initializers.glorotUniform({ seed: 3 }),
          }),
        ],
      });
    const pooled = bnModel();
    const pool = await startWorkerPool(new TfjsTrainableModel(pooled, { optimizer: tf.train.sgd(0.1) }), {
      workers: 2,
      backend: 'cpu',
      batchSize: 7,
    });
    const batch = batchOf();
    try {
      createTrainingAlgorithm(pool.ops, { method: 'none' })
        .step(pool, batch, SETTINGS, createRng(1))
        .loss.dispose();
      // Worker 0 holds rows 0-3: its moving averages are one thread's after a step on those rows alone.
      const reference = bnModel();
      const firstRows = { x: tf.slice(batch.x, 0, 4), y: tf.slice(batch.y, 0, 4), batchSize: 4 };
      const one = new TfjsTrainableModel(reference, { optimizer: tf.train.sgd(0.1) });
      createTrainingAlgorithm(one.ops, { method: 'none' })
        .step(one, firstRows, SETTINGS, createRng(1))
        .loss.dispose();
      const moving = (m: LayersModel) => m.nonTrainableWeights.map((w) => w.read().dataSync().slice());
      expect(moving(pooled)).toHaveLength(2);
      expectClose(moving(pooled), moving(reference), 1e-6);
      // ... and not the whole batch's (the comparison can fail).
      const whole = bnModel();
      const wholeOne = new TfjsTrainableModel(whole, { optimizer: tf.train.sgd(0.1) });
      createTrainingAlgorithm(wholeOne.ops, { method: 'none' })
        .step(wholeOne, batch, SETTINGS, createRng(1))
        .loss.dispose();
      expect(maxAbsDiff(moving(pooled)[0], moving(whole)[0])).toBeGreaterThan(1e-4);
      tf.dispose([firstRows.x, firstRows.y]);
    } finally {
      batch.dispose();
      await pool.terminate();
    }
  });

  describe('with a layer that fails on a marker row (only worker 1 gets it)', () => {
    const markedModel = (seed: number) =>
      sequential({
        layers: [
          new MarkerLayer({ inputShape: [4], name: 'marker' }),
          layers.dense({
            units: 5,
            activation: 'tanh',
            kernelInitializer: initializers.glorotUniform({ seed }),
          }),
          noiseLayer(),
          layers.dense({
            units: 3,
            activation: 'softmax',
            kernelInitializer: initializers.glorotUniform({ seed: seed + 1 }),
          }),
        ],
      });
    let pool: WorkerPoolModel;
    let model: LayersModel;
    let optimizer: tf.Optimizer;
    beforeAll(async () => {
      model = markedModel(8);
      optimizer = tf.train.momentum(0.1, 0.9);
      pool = await startWorkerPool(new TfjsTrainableModel(model, { optimizer }), {
        workers: 2,
        backend: 'cpu',
        batchSize: 7,
        workerModules: [MARKER_MODULE],
      });
    });
    afterAll(async () => {
      await pool.terminate();
    });

    const markedBatch = (marker: number) => {
      const { xs, ys, labels } = tinyData(7, [4], 3, 11);
      const values = xs.dataSync().slice();
      values[6 * 4] = marker;
      xs.dispose();
      return { x: tf.tensor(values, [7, 4]), y: ys, labels, batchSize: 7 };
    };

    it('a step failing in one worker leaves every replica and the optimizer as they were', async () => {
      const algorithm = createTrainingAlgorithm(pool.ops, { method: 'canl', numClasses: 3 });
      const good = batchOf();
      // One good step first, so the momentum optimizer has state to keep.
      algorithm.step(pool, good, SETTINGS, createRng(1)).loss.dispose();
      const weightsBefore = valuesOf(model);
      const slotsBefore = (await optimizer.getWeights()).map((w) => w.tensor.dataSync().slice());
      const bad = markedBatch(12345);
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        algorithm.step(pool, bad, SETTINGS, createRng(2));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AnlError);
      expect(error).toMatchObject({ code: 'WORKER_FAILED' });
      expect((error as Error).message).toMatch(/worker 1 .*marker 12345/);
      expect(tf.memory().numTensors).toBe(before);
      expectClose(valuesOf(model), weightsBefore, 0);
      const slotsAfter = (await optimizer.getWeights()).map((w) => w.tensor.dataSync().slice());
      expectClose(slotsAfter, slotsBefore, 0);
      // The replicas were not touched either: the next step equals the same step on one thread.
      const reference = markedModel(8);
      reference.setWeights(model.getWeights());
      const referenceOptimizer = tf.train.momentum(0.1, 0.9);
      await referenceOptimizer.setWeights(await optimizer.getWeights());
      const one = new TfjsTrainableModel(reference, { optimizer: referenceOptimizer });
      const referenceAlgorithm = createTrainingAlgorithm(one.ops, { method: 'none', numClasses: 3 });
      const poolAlgorithm = createTrainingAlgorithm(pool.ops, { method: 'none', numClasses: 3 });
      poolAlgorithm.step(pool, good, SETTINGS, createRng(3)).loss.dispose();
      referenceAlgorithm.step(one, good, SETTINGS, createRng(3)).loss.dispose();
      expectClose(valuesOf(model), valuesOf(reference), 1e-6);
      algorithm.dispose();
      tf.dispose([bad.x, bad.y]);
      good.dispose();
    });

    it('a worker that dies ends training with a typed error, not a hang', async () => {
      const bad = markedBatch(54321);
      const algorithm = createTrainingAlgorithm(pool.ops, { method: 'anl', numClasses: 3 });
      const weightsBefore = valuesOf(model);
      const step = () => algorithm.step(pool, bad, SETTINGS, createRng(2));
      expect(step).toThrow(
        expect.objectContaining({ code: 'WORKER_FAILED', message: expect.stringMatching(/worker 1 died/) }),
      );
      expectClose(valuesOf(model), weightsBefore, 0);
      // The pool stays refused (a replica is gone); terminating it still works.
      expect(step).toThrow(/worker 1 died/);
      algorithm.dispose();
      tf.dispose([bad.x, bad.y]);
    });
  });

  it('refuses, by name, a layer that cannot reach the workers and a loss function', async () => {
    class Unregistered extends layers.Layer {
      static className = 'test>Unregistered';
      override call(x: tf.Tensor | tf.Tensor[]) {
        return x;
      }
    }
    const model = sequential({
      layers: [layers.dense({ inputShape: [4], units: 3 }), new Unregistered({ name: 'my_odd_layer' })],
    });
    const main = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.1) });
    await expect(startWorkerPool(main, { workers: 2, backend: 'cpu' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      argument: 'model',
      message: expect.stringContaining('"my_odd_layer" (class test>Unregistered)'),
    });
    // Registered on main only: the worker cannot rebuild it and says which module list to fix.
    tf.serialization.registerClass(Unregistered);
    await expect(startWorkerPool(main, { workers: 2, backend: 'cpu' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      argument: 'options.workerModules',
      message: expect.stringContaining('test>Unregistered'),
    });
    const plain = new TfjsTrainableModel(tinyDenseModel(), { optimizer: tf.train.sgd(0.1) });
    await expect(
      startWorkerPool(plain, {
        workers: 2,
        backend: 'cpu',
        loss: (a, b) => tf.losses.meanSquaredError(a, b),
      }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED', argument: 'options.loss' });
    expect(liveWorkerThreads()).toBe(0);
  });

  it('refuses the input-space methods (they need doLossPass) with a typed error, weights untouched', async () => {
    const inputSpace = listNoiseMethods().filter((m) => getNoiseMethod(m).needsLossPass === true);
    expect(inputSpace.length).toBeGreaterThan(0);
    const model = tinyDenseModel({ seed: 8 });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const pool = await startWorkerPool(new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.2) }), {
      workers: 2,
      backend: 'cpu',
      batchSize: 7,
    });
    const batch = batchOf();
    try {
      for (const method of inputSpace) {
        const algorithm = createTrainingAlgorithm(pool.ops, { method, numClasses: 3 });
        expect(() => algorithm.step(pool, batch, SETTINGS, createRng(1)), method).toThrow(
          expect.objectContaining({ code: 'UNSUPPORTED', argument: 'model' }),
        );
        algorithm.dispose();
      }
      expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    } finally {
      batch.dispose();
      await pool.terminate();
    }
    expect(liveWorkerThreads()).toBe(0);
  });
});

describe('trainWithNoise({ workers })', () => {
  it('100 steps on 2 wasm workers: the loss of one thread, no leaked tensors or threads, also on early stop', async () => {
    // 401 rows: the last batch has one row, so only worker 0 takes part in it.
    const { xs, ys } = tinyData(401, [4], 3, 21);
    const histories = [];
    for (const workers of [1, 2] as const) {
      const model = tinyDenseModel({ seed: 9 });
      const optimizer = tf.train.sgd(0.1);
      // The optimizer keeps its learning rate as a tensor from its first update on.
      optimizer.applyGradients({});
      const before = tf.memory().numTensors;
      histories.push(
        await trainWithNoise(
          model,
          { xs, ys },
          {
            method: 'anl',
            eps: 0.3,
            epochs: 1,
            batchSize: 4,
            seed: 5,
            optimizer,
            workers,
          },
        ),
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(liveWorkerThreads()).toBe(0);
    }
    // wasm kernels in the workers against cpu on one thread: float tolerance, over 100 steps.
    expect(Math.abs(histories[0].history.loss[0] - histories[1].history.loss[0])).toBeLessThan(1e-4);
    expect(histories[1].history.acc[0]).toBeCloseTo(histories[0].history.acc[0], 2);
    // Early stop after the first epoch of five: the threads end with training.
    const stopped = await trainWithNoise(
      tinyDenseModel(),
      { xs, ys },
      {
        method: 'none',
        epochs: 5,
        batchSize: 100,
        optimizer: tf.train.sgd(0.1),
        workers: 2,
        callbacks: { onEpochEnd: () => 'stop' },
      },
    );
    expect(stopped.epoch).toEqual([0]);
    expect(liveWorkerThreads()).toBe(0);
    await expect(
      trainWithNoise(
        tinyDenseModel(),
        { xs, ys },
        { method: 'none', epochs: 1, optimizer: tf.train.sgd(0.1), workers: 0 },
      ),
    ).rejects.toMatchObject({ argument: 'options.workers' });
    tf.dispose([xs, ys]);
  });
});
