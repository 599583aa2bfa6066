// FGSM and PGD on the tfjs webgpu backend (Dawn in Node; SwiftShader in CI) give the cpu backend's results.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebGpu, tinyConvNet, worstDifference } from '../test/webgpu';
import { evaluateRobustness } from './evaluate-robustness';
import { fgsm, fgsmAsync, fgsmSweepAsync } from './fgsm';
import { classifierFromLayersModel } from './layers-model-classifier';
import { pgdAsync } from './pgd';
import { uniformNoise, uniformNoiseAsync } from './uniform-noise';

const gpu = await startWebGpu('webgpu attack tests');
afterAll(() => tf.setBackend('cpu'));
const tinyNet = tinyConvNet;

const SAMPLES = 8;
const inputs = Float32Array.from({ length: SAMPLES * 36 }, (_, i) => 0.5 + 0.45 * Math.sin(i * 1.7));
const labels = Int32Array.from({ length: SAMPLES }, (_, i) => i % 3);

/** Every attack of this file on `backend`, from inputs and labels created there; host copies out. */
async function attacksOn(backend: string) {
  await tf.setBackend(backend);
  const model = tinyNet();
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const x = tf.tensor4d(inputs, [SAMPLES, 6, 6, 1]);
  const y = tf.tensor1d(labels, 'int32');
  const before = tf.memory().numTensors;
  const gradient = classifier.lossGradient(x, y);
  const fgsmX = await fgsmAsync(classifier, x, { eps: 0.1, labels: y });
  const sweep = await fgsmSweepAsync(classifier, x, { epsilons: [0.05, 0.2], labels: 'predicted' });
  const pgdPlain = await pgdAsync(classifier, x, {
    eps: 0.1,
    steps: 3,
    stepSize: 0.04,
    randomStart: false,
    labels,
  });
  const pgdSeeded = await pgdAsync(classifier, x, { eps: 0.1, steps: 3, stepSize: 0.04, seed: 5, labels: y });
  const noisy = await uniformNoiseAsync(x, {
    a: 0.3,
    seed: 2,
    bounds: [0, 1],
    renormalize: 'per-image-minmax',
  });
  const out = {
    gradient: await gradient.data(),
    fgsm: await fgsmX.data(),
    sweep: await Promise.all(sweep.map((t) => t.data())),
    pgdPlain: await pgdPlain.data(),
    pgdSeeded: await pgdSeeded.data(),
    noisy: await noisy.data(),
    fgsmReport: await evaluateRobustness(
      classifier,
      { xs: x, labels: y },
      { attack: 'fgsm', epsilons: [0, 0.1, 0.3] },
    ),
    pgdReport: await evaluateRobustness(
      classifier,
      { xs: x, labels: y },
      { attack: 'pgd', epsilons: [0.1, 0.3], steps: 3, seed: 2 },
    ),
  };
  tf.dispose([gradient, fgsmX, ...sweep, pgdPlain, pgdSeeded, noisy]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([x, y]);
  model.dispose();
  return { ...out, leaked };
}

describe.skipIf(gpu.skipReason !== undefined)(
  `attacks on the webgpu backend (${gpu.info?.description ?? 'none'})`,
  () => {
    it("FGSM, PGD and evaluateRobustness give the cpu backend's adversarial examples and accuracies", async () => {
      const cpu = await attacksOn('cpu');
      const webgpu = await attacksOn('webgpu');
      // No gradient element is so small that float rounding could flip its sign between backends.
      expect(Math.min(...Array.from(cpu.gradient, Math.abs))).toBeGreaterThan(1e-5);
      expect(worstDifference(cpu.gradient, webgpu.gradient)).toBeLessThan(1e-5);
      expect(worstDifference(cpu.fgsm, webgpu.fgsm)).toBeLessThan(1e-5);
      for (let i = 0; i < cpu.sweep.length; i++)
        expect(worstDifference(cpu.sweep[i], webgpu.sweep[i])).toBeLessThan(1e-5);
      expect(worstDifference(cpu.pgdPlain, webgpu.pgdPlain)).toBeLessThan(1e-5);
      expect(worstDifference(cpu.pgdSeeded, webgpu.pgdSeeded)).toBeLessThan(1e-5);
      expect(worstDifference(cpu.noisy, webgpu.noisy)).toBeLessThan(1e-5);
      // uniformNoiseAsync is uniformNoise with an asynchronous check (the cpu backend reads synchronously).
      await tf.setBackend('cpu');
      const x = tf.tensor4d(inputs, [SAMPLES, 6, 6, 1]);
      const sync = uniformNoise(x, { a: 0.3, seed: 2, bounds: [0, 1], renormalize: 'per-image-minmax' });
      expect(Array.from(await sync.data())).toEqual(Array.from(cpu.noisy));
      expect(worstDifference(inputs, cpu.noisy)).toBeGreaterThan(0.01);
      tf.dispose([x, sync]);
      // The attacks moved the inputs (the comparison is not between two copies of x).
      expect(worstDifference(inputs, cpu.fgsm)).toBeGreaterThan(0.09);
      expect(worstDifference(cpu.pgdPlain, cpu.pgdSeeded)).toBeGreaterThan(1e-3);
      for (const report of ['fgsmReport', 'pgdReport'] as const) {
        expect(webgpu[report].clean.accuracy).toBe(cpu[report].clean.accuracy);
        expect(webgpu[report].rows.map((r) => r.accuracy)).toEqual(cpu[report].rows.map((r) => r.accuracy));
      }
      // The attacks lowered the accuracy, so the rows compared are not all the clean one.
      expect(cpu.fgsmReport.rows[2].accuracy).toBeLessThan(cpu.fgsmReport.clean.accuracy);
      expect(webgpu.leaked).toBe(0);
      expect(cpu.leaked).toBe(0);
    });

    it('the synchronous fgsm fails on webgpu with a typed UNSUPPORTED error (fgsmAsync is the way there)', async () => {
      await tf.setBackend('webgpu');
      const model = tinyNet();
      const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
      // Computed on the GPU, so its values live only there.
      const x = tf.mul(tf.tensor4d(inputs, [SAMPLES, 6, 6, 1]), 1);
      try {
        expect(() => fgsm(classifier, x, { eps: 0.1, labels })).toThrow(
          expect.objectContaining({ code: 'UNSUPPORTED' }),
        );
      } finally {
        x.dispose();
        model.dispose();
      }
    });
  },
);
