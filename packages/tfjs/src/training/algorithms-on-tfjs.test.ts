// @anl/core's algorithms driving a real tfjs model, checked against the reference ops on what the
// model actually saw: the recording decorator captures activations, noise and gradients per pass.
import '@tensorflow/tfjs-backend-cpu';
import {
  anlNoise,
  createRng,
  createTrainingAlgorithm,
  pickOnePerClass,
  sampleClippedGaussianR,
  type TrainingAlgorithm,
} from '@anl/core';
import { type RefTensor, referenceOps as ref } from '@anl/core/reference';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type HostTensor, RecordingTrainableModel } from './recording-trainable-model';
import { tinyData, tinyDenseModel } from './test-models';
import { type NamedGradients, TfjsTrainableModel } from './tfjs-trainable-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const B = 6;
const CLASSES = 3;

function setup(method: 'anl' | 'canl' | 'lat') {
  const trainable = new TfjsTrainableModel(tinyDenseModel({ seed: 9, hidden: 5 }), {
    optimizer: tf.train.sgd(0.05),
  });
  const recorder = new RecordingTrainableModel<NamedGradients>(trainable);
  const algorithm: TrainingAlgorithm<tf.Tensor> = createTrainingAlgorithm(trainable.ops, {
    method,
    numClasses: CLASSES,
  });
  return { trainable, recorder, algorithm };
}

function batchOf(labels: number[], seed: number) {
  const { xs } = tinyData(labels.length, [4], CLASSES, seed);
  const ys = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES), 'float32');
  return { x: xs, y: ys, labels: Int32Array.from(labels), batchSize: labels.length };
}

function expectClose(actual: HostTensor | null, expected: RefTensor, tolerance = 1e-5): void {
  expect(actual).not.toBeNull();
  expect(actual!.shape).toEqual(expected.shape);
  let scale = 0;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.data.length; i++) {
    expect(Math.abs(actual!.data[i] - expected.data[i])).toBeLessThanOrEqual(tolerance * Math.max(1, scale));
  }
}

describe('ANL on a tfjs model', () => {
  it('round 1 takes noise gradients only; round 2 adds Eq. 4 built from round 1 with the same r', () => {
    const { recorder, algorithm } = setup('anl');
    const batch = batchOf([0, 1, 2, 0, 1, 2], 21);
    const eps = 0.3;
    const loss = algorithm.step(recorder, batch, { eps, noise: true }, createRng(42));
    expect(recorder.passes).toHaveLength(2);
    const [round1, round2] = recorder.passes;
    expect([round1.weightGradients, round1.noiseGradients]).toEqual([false, true]);
    expect([round2.weightGradients, round2.noiseGradients]).toEqual([true, false]);
    expect(round1.noise).toEqual([null, null]);
    expect(recorder.appliedUpdates).toBe(1);
    // Core draws one r vector per noise point, in forward order, from the step's rng.
    const replay = createRng(42);
    for (let t = 0; t < 2; t++) {
      const r = ref.fromArray(sampleClippedGaussianR(replay, B, eps), [B]);
      const s = ref.std(round1.activations[t]);
      const expected = anlNoise(ref, round1.gradients[t], r, s);
      expectClose(round2.noise[t], expected);
      // Sanity of the recording: a non-trivial noise, within |r| s per element.
      const bound = eps * s.data[0] * (1 + 1e-6);
      expect(Math.max(...round2.noise[t]!.data.map(Math.abs))).toBeGreaterThan(0);
      expect(Math.max(...round2.noise[t]!.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    }
    // The first point sees the same activation in both rounds (no noise upstream of it).
    expectClose(round2.activations[0], round1.activations[0], 1e-6);
    tf.dispose([loss.loss, batch.x, batch.y]);
    algorithm.dispose();
  });
});

describe('CANL on a tfjs model', () => {
  it('caches one sample gradient per class seen; a sample’s noise comes from its class’s entry', () => {
    const { recorder, algorithm } = setup('canl');
    const eps = 0.2;
    const first = batchOf([0, 1, 0, 1, 1, 0], 31); // class 2 not seen yet
    const second = batchOf([2, 0, 1, 2, 1, 0], 32);
    const rng = createRng(7);
    tf.dispose(algorithm.step(recorder, first, { eps, noise: true }, rng).loss);
    tf.dispose(algorithm.step(recorder, second, { eps, noise: true }, rng).loss);
    expect(recorder.passes).toHaveLength(2);
    const [pass1, pass2] = recorder.passes;
    expect([pass1.weightGradients, pass1.noiseGradients]).toEqual([true, true]);
    expect(recorder.appliedUpdates).toBe(2);

    const replay = createRng(7);
    // Step 1: the cache is all zeros, so no sample gets noise (the r draws still happen).
    for (let t = 0; t < 2; t++) {
      sampleClippedGaussianR(replay, B, eps);
      expect(Math.max(...pass1.noise[t]!.data.map(Math.abs))).toBe(0);
    }
    // After step 1: for each class seen, the gradient of one sample of that class.
    const chosen = [0, 1].map(() => pickOnePerClass(first.labels, CLASSES, replay));
    const caches = [0, 1].map((t) => {
      const size = pass1.gradients[t].data.length / B;
      const table = new Float32Array(CLASSES * size);
      const { rows, srcRows } = chosen[t];
      rows.forEach((c, k) => {
        expect(first.labels[srcRows[k]]).toBe(c);
        table.set(pass1.gradients[t].data.subarray(srcRows[k] * size, (srcRows[k] + 1) * size), c * size);
      });
      expect(Array.from(rows)).toEqual([0, 1]);
      return ref.fromArray(table, [CLASSES, size]);
    });
    // Step 2: Eq. 4 with g_i = G[t][y_i], s = std of this batch's h, and this step's r.
    for (let t = 0; t < 2; t++) {
      const r = ref.fromArray(sampleClippedGaussianR(replay, B, eps), [B]);
      const g = ref.gatherRows(caches[t], second.labels);
      const expected = anlNoise(ref, g, r, ref.std(pass2.activations[t]));
      expectClose(pass2.noise[t], expected);
      // Class 2 was never seen: its samples (rows 0 and 3) get no noise.
      const size = expected.data.length / B;
      for (const row of [0, 3]) {
        expect(pass2.noise[t]!.data.subarray(row * size, (row + 1) * size).every((v) => v === 0)).toBe(true);
      }
    }
    tf.dispose([first.x, first.y, second.x, second.y]);
    algorithm.dispose();
  });
});

describe('LAT on a tfjs model', () => {
  it('the noise of each batch is eps * sign(previous batch’s gradient at the same point)', () => {
    const { recorder, algorithm } = setup('lat');
    const eps = 0.05;
    const batches = [
      batchOf([0, 1, 2, 0, 1, 2], 41),
      batchOf([1, 1, 0, 2, 2, 0], 42),
      batchOf([2, 0, 1, 1], 43),
    ];
    const rng = createRng(3);
    for (const batch of batches) tf.dispose(algorithm.step(recorder, batch, { eps, noise: true }, rng).loss);
    const passes = recorder.passes;
    expect(passes).toHaveLength(3);
    expect(passes[0].noise).toEqual([null, null]);
    for (const k of [1, 2]) {
      for (let t = 0; t < 2; t++) {
        const previous = passes[k - 1].gradients[t];
        const rowsNow = batches[k].batchSize;
        const size = previous.data.length / previous.shape[0];
        // A smaller batch takes the previous batch's sample i mod B_prev (here: the first rows).
        const expected = new Float32Array(rowsNow * size);
        for (let i = 0; i < rowsNow; i++) {
          const src = (i % previous.shape[0]) * size;
          for (let j = 0; j < size; j++) expected[i * size + j] = eps * Math.sign(previous.data[src + j]);
        }
        expectClose(passes[k].noise[t], ref.fromArray(expected, [rowsNow, size]), 1e-7);
      }
    }
    for (const b of batches) tf.dispose([b.x, b.y]);
    algorithm.dispose();
  });
});

describe('ANP on a tfjs model', () => {
  it('k passes per batch, each updating the weights; pass p injects (eps/k)·reg with reg ← alpha·reg + g/‖g‖₂', () => {
    const trainable = new TfjsTrainableModel(tinyDenseModel({ seed: 13 }), { optimizer: tf.train.sgd(0.05) });
    const recorder = new RecordingTrainableModel<NamedGradients>(trainable);
    const passes = 3;
    const alpha = 0.7;
    const eps = 0.4;
    const algorithm = createTrainingAlgorithm(trainable.ops, {
      method: 'anp',
      anpPasses: passes,
      anpAlpha: alpha,
    });
    const batch = batchOf([0, 1, 2, 2, 1, 0], 51);
    tf.dispose(algorithm.step(recorder, batch, { eps, noise: true }, createRng(1)).loss);
    expect(recorder.passes).toHaveLength(passes);
    expect(recorder.appliedUpdates).toBe(passes);
    expect(recorder.passes[0].noise).toEqual([null, null]);
    for (let t = 0; t < 2; t++) {
      // Reference buffers from the recorded gradients, sample by sample.
      let reg = ref.zeros(recorder.passes[0].gradients[t].shape);
      for (let p = 1; p < passes; p++) {
        const g = recorder.passes[p - 1].gradients[t];
        const unit = ref.mulPerSample(g, ref.safeReciprocal(ref.l2NormPerSample(g)));
        reg = ref.add(ref.scale(reg, alpha), unit);
        expectClose(recorder.passes[p].noise[t], ref.scale(reg, eps / passes));
      }
    }
    tf.dispose([batch.x, batch.y]);
    algorithm.dispose();
  });
});

describe('Gaussian on a tfjs model', () => {
  it('adds N(0, (eps/4)^2) noise element-wise at every noise point', () => {
    const trainable = new TfjsTrainableModel(tinyDenseModel({ seed: 14, hidden: 200 }), {
      optimizer: tf.train.sgd(0.05),
    });
    const recorder = new RecordingTrainableModel<NamedGradients>(trainable);
    const algorithm = createTrainingAlgorithm(trainable.ops, { method: 'gaussian' });
    const batch = batchOf([0, 1, 2, 2, 1, 0, 0, 1, 2, 1], 61);
    const eps = 0.2;
    tf.dispose(algorithm.step(recorder, batch, { eps, noise: true }, createRng(2)).loss);
    expect(recorder.passes).toHaveLength(1);
    for (const eta of recorder.passes[0].noise) {
      const n = eta!.data.length; // 2000 draws
      const mean = eta!.data.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(eta!.data.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      expect(Math.abs(mean)).toBeLessThan((4 * (eps / 4)) / Math.sqrt(n));
      expect(Math.abs(sd / (eps / 4) - 1)).toBeLessThan(0.1);
    }
    tf.dispose([batch.x, batch.y]);
    algorithm.dispose();
  });
});
