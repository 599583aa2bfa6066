import { createRng, createTrainingAlgorithm } from '@anl/core';
import { lenet5 } from '@anl/models';
import { TfjsTrainableModel } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from './lib/backends.mjs';

await useBackend(process.argv[2] ?? 'wasm');
const model = lenet5({ output: 'logits' });
const x = tf.randomUniform([128, 28, 28, 1]);
const labels = Int32Array.from({ length: 128 }, (_, i) => i % 10);
const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
const batch = { x, y, labels, batchSize: 128 };
for (const method of (process.argv[3] ?? 'none,anl,canl,lat,gaussian').split(',')) {
  const optimizer = tf.train.momentum(0.01, 0.9);
  const trainable = new TfjsTrainableModel(model, { optimizer, loss: 'softmaxCrossEntropy' });
  const algorithm = createTrainingAlgorithm(trainable.ops, { method, numClasses: 10 });
  const rng = createRng(3);
  const settings = { eps: 0.03, noise: method !== 'none' };
  const step = async () => {
    const { loss } = algorithm.step(trainable, batch, settings, rng);
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < 3; i++) await step();
  const times = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const info = await tf.profile(step);
  const by = new Map();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? [0, 0];
    e[0] += k.kernelTimeMs;
    e[1]++;
    by.set(k.name, e);
  }
  console.log(
    `${method}: min ${times[0].toFixed(1)} med ${times[7].toFixed(1)} ms; kernels ${info.kernels.length}; ` +
      [...by]
        .sort((a, b) => b[1][0] - a[1][0])
        .slice(0, 14)
        .map(([n, [ms, c]]) => `${n}×${c} ${ms.toFixed(1)}`)
        .join(', '),
  );
  algorithm.dispose();
  optimizer.dispose();
}
