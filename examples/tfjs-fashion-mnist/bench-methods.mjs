// Time per training step of each method on the example's LeNet-5 (batch 64, real Fashion-MNIST).
// Methods are interleaved and each is timed several times; the minimum is reported, which is the
// figure least disturbed by other processes on a shared machine.
//
//   node bench-methods.mjs [--backend wasm|cpu] [--batch 64] [--steps 10] [--repeats 5]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { createRng, createTrainingAlgorithm } from '@anl/core';
import { loadFashionMnist } from '@anl/models/node';
import { insertNoiseLayers, TfjsTrainableModel } from '@anl/tfjs';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '5' },
  },
});
const { enableWasmTraining, registerCpuTrainingKernels } = await import('@anl/tfjs/wasm-training');
if (args.backend === 'wasm') await enableWasmTraining();
else {
  await tf.setBackend(args.backend);
  registerCpuTrainingKernels();
}
const batchSize = Number(args.batch);
const steps = Number(args.steps);
const data = await loadFashionMnist({ source: 'full', trainLimit: batchSize, testLimit: 1, progress: false });

const plain = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same' }),
    tf.layers.reLU(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 16, kernelSize: 5 }),
    tf.layers.reLU(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 120, activation: 'relu' }),
    tf.layers.dense({ units: 84, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
const model = insertNoiseLayers(plain, { after: 'Conv2D' });
const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.01) });
const batch = { x: data.train.xs, y: data.train.ys, labels: data.train.labels, batchSize };
const methods = ['none', 'anl', 'canl', 'lat', 'gaussian'];
const algorithms = Object.fromEntries(
  methods.map((method) => [method, createTrainingAlgorithm(trainable.ops, { method, numClasses: 10 })]),
);
const rng = createRng(1);
const best = Object.fromEntries(methods.map((m) => [m, Number.POSITIVE_INFINITY]));

const timeSteps = async (method) => {
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    const { loss } = algorithms[method].step(trainable, batch, { eps: 0.03, noise: true }, rng);
    if (i === steps - 1) await loss.data(); // wait for the device once, at the end
    loss.dispose();
  }
  return (performance.now() - start) / steps;
};
for (const m of methods) await timeSteps(m); // warm-up
for (let r = 0; r < Number(args.repeats); r++) {
  for (const m of methods) best[m] = Math.min(best[m], await timeSteps(m));
}
console.log(`backend ${tf.getBackend()}, LeNet-5 with 2 noise layers, batch ${batchSize}, min of ${args.repeats} x ${steps} steps`);
for (const m of methods) {
  console.log(`${m.padEnd(9)} ${best[m].toFixed(1).padStart(7)} ms/step  ${(best[m] / best.none).toFixed(2)}x none`);
}
