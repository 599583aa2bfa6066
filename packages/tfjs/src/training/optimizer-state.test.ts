import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureOptimizerState } from './optimizer-state';
import { tinyData, tinyDenseModel, weightValues } from './test-models';
import { TfjsTrainableModel } from './tfjs-trainable-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const optimizers: [string, () => tf.Optimizer][] = [
  ['sgd', () => tf.train.sgd(0.1)],
  ['momentum', () => tf.train.momentum(0.1, 0.9)],
  ['nesterov momentum', () => tf.train.momentum(0.1, 0.9, true)],
  ['adam', () => tf.train.adam(0.01)],
  ['adamax', () => tf.train.adamax(0.01)],
  ['rmsprop (centered, momentum)', () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true)],
  ['adagrad', () => tf.train.adagrad(0.1)],
  ['adadelta', () => tf.train.adadelta(1, 0.95, 1e-3)],
];

/** One gradient per trainable weight, filled with `scale · (i + 1)`: distinct per weight and step. */
function gradientsFor(model: ReturnType<typeof tinyDenseModel>, scale: number): tf.NamedTensorMap {
  return Object.fromEntries(
    model.trainableWeights.map((w, i) => [
      (w.read() as tf.Variable).name,
      tf.fill(w.shape as number[], scale * (i + 1)),
    ]),
  );
}

/** The same gradients, but the last one has a shape no weight can take: the optimizer throws there. */
function failingGradientsFor(model: ReturnType<typeof tinyDenseModel>): tf.NamedTensorMap {
  const grads = gradientsFor(model, 0.7);
  const names = Object.keys(grads);
  const last = names[names.length - 1];
  tf.dispose(grads[last]);
  grads[last] = tf.ones([7, 11]);
  return grads;
}

/**
 * An optimizer's state as tfjs reports it (`getWeights`: iterations, then every slot) as plain
 * numbers. Adamax has no `getWeights`; its four state fields are read directly.
 */
async function stateValues(optimizer: tf.Optimizer): Promise<number[][]> {
  if (optimizer.getClassName() === 'Adamax') {
    const o = optimizer as unknown as Record<string, tf.Variable | { variable: tf.Variable }[]>;
    const slots = [...(o.accumulatedFirstMoment as []), ...(o.accumulatedWeightedInfNorm as [])];
    const tensors = [o.iteration, o.accBeta1, ...slots.map((x: { variable: tf.Variable }) => x.variable)];
    return (tensors as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
  }
  const weights = await optimizer.getWeights();
  const values = await Promise.all(weights.map(async (w) => Array.from(await w.tensor.data())));
  tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  return values;
}

/** Puts the weights back by hand: the optimizer snapshot covers only the optimizer's own state. */
function writeWeights(model: ReturnType<typeof tinyDenseModel>, values: Float32Array[]): void {
  model.trainableWeights.forEach((w, i) => {
    const t = tf.tensor(values[i], w.shape as number[]);
    w.write(t);
    t.dispose();
  });
}

describe('captureOptimizerState', () => {
  for (const [name, make] of optimizers) {
    it(`${name}: restore after an update that threw half-way equals never having tried it`, async () => {
      const tried = tinyDenseModel({ seed: 4 });
      const clean = tinyDenseModel({ seed: 4 });
      const triedOptimizer = make();
      const cleanOptimizer = make();
      // Twice from the start: the first call creates the slots, the second updates existing ones.
      for (const step of [0, 1]) {
        for (const [model, optimizer] of [
          [tried, triedOptimizer],
          [clean, cleanOptimizer],
        ] as const) {
          const g = gradientsFor(model, 0.3 + step);
          optimizer.applyGradients(g);
          tf.dispose(g);
        }
        const tensorsBefore = tf.memory().numTensors;
        const iterationsBefore = triedOptimizer.iterations;
        const weightsBefore = weightValues(tried);
        const snapshot = captureOptimizerState(triedOptimizer);
        const bad = failingGradientsFor(tried);
        expect(() => triedOptimizer.applyGradients(bad)).toThrow();
        // The optimizer did move some weights before it threw: the rollback has something to undo.
        expect(weightValues(tried).some((w, i) => w.some((v, j) => v !== weightsBefore[i][j]))).toBe(true);
        writeWeights(tried, weightsBefore);
        snapshot.restore();
        snapshot.dispose();
        tf.dispose(bad);
        expect(triedOptimizer.iterations).toBe(iterationsBefore);
        expect(tf.memory().numTensors).toBe(tensorsBefore);
        // tfjs's own account of the state (iterations + every slot) equals the twin's.
        expect(await stateValues(triedOptimizer)).toEqual(await stateValues(cleanOptimizer));
      }
      // The next good step must give the same weights bit for bit: every moment, accumulator, beta
      // power and counter came back.
      for (const [model, optimizer] of [
        [tried, triedOptimizer],
        [clean, cleanOptimizer],
      ] as const) {
        const g = gradientsFor(model, 1.9);
        optimizer.applyGradients(g);
        tf.dispose(g);
      }
      const a = weightValues(tried);
      weightValues(clean).forEach((w, i) => {
        expect(Array.from(a[i])).toEqual(Array.from(w));
      });
      tried.dispose();
      clean.dispose();
      triedOptimizer.dispose();
      cleanOptimizer.dispose();
    });
  }

  it('a first update that throws leaves no slots behind (Adam creates them lazily)', () => {
    const model = tinyDenseModel({ seed: 2 });
    const optimizer: tf.Optimizer = tf.train.adam(0.01);
    const tensorsBefore = tf.memory().numTensors;
    const snapshot = captureOptimizerState(optimizer);
    const bad = failingGradientsFor(model);
    const weightsBefore = weightValues(model);
    expect(() => optimizer.applyGradients(bad)).toThrow();
    writeWeights(model, weightsBefore);
    snapshot.restore();
    snapshot.dispose();
    tf.dispose(bad);
    const internals = optimizer as unknown as { accumulatedFirstMoment: unknown[]; iterations_?: number };
    expect(internals.accumulatedFirstMoment).toEqual([]);
    expect(optimizer.iterations).toBe(0);
    // The weights written back replaced the old buffers one for one.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe('TfjsTrainableModel.doApplyGradients with a real optimizer that throws half-way', () => {
  it('leaves weights and Adam state as they were; the next step matches a model that never failed', () => {
    const tried = tinyDenseModel({ seed: 6 });
    const clean = tinyDenseModel({ seed: 6 });
    const triedModel = new TfjsTrainableModel(tried, { optimizer: tf.train.adam(0.05) });
    const cleanModel = new TfjsTrainableModel(clean, { optimizer: tf.train.adam(0.05) });
    const { xs, ys } = tinyData(6, [4], 3);
    const step = (m: TfjsTrainableModel) => {
      const r = m.doPass({
        x: xs,
        y: ys,
        batchSize: 6,
        noise: () => null,
        weightGradients: true,
        noiseGradients: false,
      });
      m.doApplyGradients(r.weightGradients!);
      m.disposeGradients(r.weightGradients!);
      tf.dispose(r.loss);
    };
    step(triedModel);
    step(cleanModel);
    const before = weightValues(tried);
    const tensorsBefore = tf.memory().numTensors;
    const bad = failingGradientsFor(tried);
    expect(() => triedModel.doApplyGradients(bad)).toThrow();
    tf.dispose(bad);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    weightValues(tried).forEach((w, i) => {
      expect(Array.from(w)).toEqual(Array.from(before[i]));
    });
    step(triedModel);
    step(cleanModel);
    const a = weightValues(tried);
    weightValues(clean).forEach((w, i) => {
      expect(Array.from(a[i])).toEqual(Array.from(w));
    });
    tf.dispose([xs, ys]);
  });
});
