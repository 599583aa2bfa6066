// Adversarial training (FGSM-AT, PGD-AT, fast AT, TRADES), Gaussian augmentation and randomised
// smoothing on the tfjs webgpu backend (Dawn in Node; SwiftShader in CI) give the cpu backend's losses
// and counts. Dawn cannot read synchronously: the batch transforms read nothing back there.
import '@tensorflow/tfjs-backend-cpu';
import { type BatchTransform as TrainerBatchTransform, trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { threeClassData, tinyDenseModel } from '../test/fixtures';
import { startWebGpu, worstDifference } from '../test/webgpu';
import { fgsmAdversarialTraining, pgdAdversarialTraining } from './adversarial-training';
import { fastAdversarialTraining } from './fast-adversarial-training';
import { classifierFromLayersModel } from './layers-model-classifier';
import { certify, gaussianAugmentation, smoothPredict } from './randomized-smoothing';
import { tradesObjective, tradesStep } from './trades';

const gpu = await startWebGpu('webgpu adversarial-training tests');
afterAll(() => tf.setBackend('cpu'));

const transforms: Record<string, (m: LayersModel) => TrainerBatchTransform | undefined> = {
  clean: () => undefined,
  'fgsm-at': (m) => fgsmAdversarialTraining(m, { eps: 0.1, bounds: [0, 1] }),
  'fgsm-at predicted': (m) => fgsmAdversarialTraining(m, { eps: 0.1, bounds: [0, 1], labels: 'predicted' }),
  'pgd-at': (m) => pgdAdversarialTraining(m, { eps: 0.1, steps: 2, stepSize: 0.05, bounds: [0, 1], seed: 1 }),
  'fast-at': (m) => fastAdversarialTraining(m, { eps: 0.1, bounds: [0, 1], seed: 2 }),
  'fast-at mixClean': (m) =>
    fastAdversarialTraining(m, { eps: 0.1, bounds: [0, 1], seed: 3, mixClean: true }),
  gaussian: () => gaussianAugmentation({ sigma: 0.2, seed: 1 }),
};

/** Per-step losses of every transform (3 steps each), TRADES's, and smoothing's counts on `backend`. */
async function everythingOn(backend: 'cpu' | 'webgpu') {
  await tf.setBackend(backend);
  const data = threeClassData(12, 4);
  const before = tf.memory().numTensors;
  const losses: Record<string, number[]> = {};
  for (const [name, make] of Object.entries(transforms)) {
    const model = tinyDenseModel('tanh');
    const optimizer = tf.train.sgd(0.5);
    const steps: number[] = [];
    await trainWithNoise(
      model,
      { xs: data.xs, ys: data.ys },
      {
        method: 'none',
        epochs: 1,
        batchSize: 4,
        optimizer,
        seed: 3,
        shuffle: false,
        batchTransform: make(model),
        callbacks: { onBatchEnd: (_b, logs) => void steps.push(logs?.loss ?? Number.NaN) },
      },
    );
    losses[name] = steps;
    optimizer.dispose();
    model.dispose();
  }
  // TRADES without a trainer: three tradesStep calls over the three batches.
  const model = tinyDenseModel('tanh');
  const objective = tradesObjective(model, { eps: 0.1, beta: 2, steps: 2, bounds: [0, 1], seed: 4 });
  const optimizer = tf.train.sgd(0.5);
  losses.trades = [];
  for (let k = 0; k < 3; k++) {
    const batch = { xs: tf.slice(data.xs, k * 4, 4), ys: tf.slice(data.ys, k * 4, 4) };
    const loss = tradesStep(objective, optimizer, batch);
    losses.trades.push((await loss.data())[0]);
    tf.dispose([loss, batch.xs, batch.ys]);
  }
  optimizer.dispose();
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const x = tf.slice(data.xs, 0, 3);
  const predictions = await smoothPredict(classifier, x, { sigma: 0.25, n: 40, alpha: 0.05, seed: 1 });
  const certificates = await certify(classifier, x, { sigma: 0.25, n0: 8, n: 40, alpha: 0.05, seed: 2 });
  x.dispose();
  model.dispose();
  const leaked = tf.memory().numTensors - before;
  tf.dispose([data.xs, data.ys]);
  return {
    losses,
    predictions: predictions.map((p) => [p.prediction, ...p.counts]),
    certificates: certificates.map((c) => [c.prediction, ...c.counts]),
    leaked,
  };
}

describe.skipIf(gpu.skipReason !== undefined)(
  `adversarial training on the webgpu backend (${gpu.info?.description ?? 'none'})`,
  () => {
    it("every batch transform, TRADES and randomised smoothing give the cpu backend's numbers", async () => {
      const cpu = await everythingOn('cpu');
      const webgpu = await everythingOn('webgpu');
      for (const name of Object.keys(cpu.losses)) {
        expect(webgpu.losses[name].length, name).toBe(3);
        expect(worstDifference(cpu.losses[name], webgpu.losses[name]), name).toBeLessThan(1e-4);
        // Each method trains on something other than the clean batch (the comparison is not of clean runs).
        if (name !== 'clean')
          expect(worstDifference(cpu.losses[name], cpu.losses.clean), name).toBeGreaterThan(1e-3);
      }
      expect(webgpu.predictions).toEqual(cpu.predictions);
      expect(webgpu.certificates).toEqual(cpu.certificates);
      expect([cpu.leaked, webgpu.leaked]).toEqual([0, 0]);
    });
  },
);
