#!/usr/bin/env node
// Experiment (not a test): one Fashion-MNIST epoch of LeNet-5 with trainWithNoise on 1 and on N
// workers, same weights and seed; the test accuracies should agree within sampling noise
// (10,000 test images: a standard error of ~0.3 points at 90 %).
// node bench/workers-accuracy.mjs [--workers 2] [--methods none,anl,canl] [--seeds 1]
import { lenet5 } from '@anl/models';
import { loadFashionMnist } from '@anl/models/node';
import { trainWithNoise } from '@anl/tfjs';
import { enableWasmTraining } from '@anl/tfjs/training-kernels';
import * as tf from '@tensorflow/tfjs';
import { testAccuracy } from './lib/workloads.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const workers = Number(arg('workers', '2'));
const methods = arg('methods', 'none,anl,canl').split(',');
const seeds = arg('seeds', '1').split(',').map(Number);
await enableWasmTraining();
const data = await loadFashionMnist({ source: 'auto', progress: false });
const rows = [];
for (const seed of seeds) {
  for (const method of methods) {
    for (const count of [1, workers]) {
      const model = lenet5({ output: 'logits', seed });
      const t0 = performance.now();
      const history = await trainWithNoise(
        model,
        { xs: data.train.xs, ys: data.train.ys },
        {
          method,
          eps: method === 'none' ? undefined : 0.03,
          epochs: 1,
          batchSize: 128,
          optimizer: tf.train.momentum(0.01, 0.9),
          loss: 'softmaxCrossEntropy',
          seed,
          workers: count,
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      const acc = await testAccuracy(model, data.test);
      const row = {
        seed,
        method,
        workers: count,
        seconds: Number(seconds.toFixed(1)),
        trainLoss: history.history.loss[0],
        testAcc: acc,
      };
      rows.push(row);
      console.error(JSON.stringify(row));
      model.dispose();
    }
  }
}
console.log(JSON.stringify({ source: data.source, rows }, null, 2));
