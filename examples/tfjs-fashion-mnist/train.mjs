// Train a plain tfjs CNN on real Fashion-MNIST with Adversarial Noise Layers, then ship it:
// insert noise layers after every Conv2D, train with ANL, strip them, save, load, predict.
//
//   npm start -w @anl/example-tfjs-fashion-mnist -- [--method anl] [--eps 0.03] [--epochs 3] [--noise-epochs N]
//       [--train 12000] [--test 2000] [--batch 64] [--backend wasm|cpu] [--stock-kernels] [--seed 1] [--out DIR]
//
// Data: the four IDX .gz files from /usr/share/datasets/fashion-mnist (or $FASHION_MNIST_DIR); the
// first --train / --test images of each file are used so a cpu run takes minutes, not hours.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from '@anl/models/node';
import { findNoiseLayers, insertNoiseLayers, stripNoiseLayers, trainWithNoise } from '@anl/tfjs';
import { loadModel, saveModel } from '@anl/tfjs/node';

const { values: args } = parseArgs({
  options: {
    method: { type: 'string', default: 'anl' },
    eps: { type: 'string', default: '0.03' },
    epochs: { type: 'string', default: '3' },
    'noise-epochs': { type: 'string' },
    train: { type: 'string', default: '12000' },
    test: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '64' },
    backend: { type: 'string', default: 'wasm' },
    'stock-kernels': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});

// Opt-in fast training kernels: tfjs's own cpu Conv2DBackpropFilter is very slow, and wasm has none.
const { enableWasmTraining, registerCpuTrainingKernels } = await import('@anl/tfjs/wasm-training');
if (args.backend === 'wasm') {
  await enableWasmTraining();
} else {
  await tf.setBackend(args.backend);
  if (args.backend === 'cpu' && !args['stock-kernels']) registerCpuTrainingKernels();
}
console.log(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`);

const data = await loadFashionMnist({
  source: 'full',
  trainLimit: Number(args.train),
  testLimit: Number(args.test),
  progress: false,
});
console.log(`Fashion-MNIST from ${data.dir}: ${data.train.xs.shape[0]} train, ${data.test.xs.shape[0]} test images`);

// A plain LeNet-5 (the paper's network), written without any anl code. Seeded initial weights make
// runs with different methods start from the same point.
const seed = Number(args.seed);
const init = (k) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + k }) });
const plain = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', name: 'conv1', ...init(1) }),
    tf.layers.reLU(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 16, kernelSize: 5, name: 'conv2', ...init(2) }),
    tf.layers.reLU(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 120, activation: 'relu', ...init(3) }),
    tf.layers.dense({ units: 84, activation: 'relu', ...init(4) }),
    tf.layers.dense({ units: 10, activation: 'softmax', ...init(5) }),
  ],
});

// CONV-ANL-RELU-POOL-CONV-ANL-RELU-POOL-FC-RELU-FC-RELU-FC (the paper's placement without BatchNorm).
const noisy = insertNoiseLayers(plain, { after: 'Conv2D' });
console.log(`noise layers: ${findNoiseLayers(noisy).map((l) => l.name).join(', ')}`);

const started = Date.now();
let epochStarted = started;
const history = await trainWithNoise(noisy, { xs: data.train.xs, ys: data.train.ys }, {
  method: args.method,
  eps: Number(args.eps),
  epochs: Number(args.epochs),
  // The paper's Table 3 schedule: noise for the first N epochs, then plain training.
  noiseEpochs: args['noise-epochs'] === undefined ? undefined : Number(args['noise-epochs']),
  batchSize: Number(args.batch),
  optimizer: tf.train.adam(0.002),
  seed,
  validationData: { xs: data.test.xs, ys: data.test.ys },
  callbacks: {
    onEpochBegin: () => {
      epochStarted = Date.now();
    },
    onEpochEnd: (epoch, logs) => {
      const seconds = ((Date.now() - epochStarted) / 1000).toFixed(1);
      console.log(
        `epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)} acc ${logs.acc.toFixed(4)} ` +
          `val_loss ${logs.val_loss.toFixed(4)} val_acc ${logs.val_acc.toFixed(4)} (${seconds} s)`,
      );
    },
  },
});
console.log(`trained ${history.epoch.length} epochs with ${args.method} eps=${args.eps} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// Ship without noise layers: same predictions, no anl code needed to run it.
const clean = stripNoiseLayers(noisy);
const dir = args.out ?? mkdtempSync(join(tmpdir(), 'anl-fashion-mnist-'));
await saveModel(clean, dir);
const loaded = await loadModel(dir);
console.log(`saved the stripped model to ${dir} and loaded it back (${loaded.layers.length} layers, noise layers: ${findNoiseLayers(loaded).length})`);

const accuracy = tf.tidy(() => {
  const predicted = tf.argMax(loaded.predict(data.test.xs), -1);
  return tf.mean(tf.cast(tf.equal(predicted, tf.tensor1d(data.test.labels, 'int32')), 'float32')).dataSync()[0];
});
const agree = tf.tidy(() => {
  const a = tf.argMax(noisy.predict(data.test.xs), -1);
  const b = tf.argMax(loaded.predict(data.test.xs), -1);
  return tf.mean(tf.cast(tf.equal(a, b), 'float32')).dataSync()[0];
});
console.log(`test accuracy of the loaded model: ${(accuracy * 100).toFixed(2)}% (${data.test.xs.shape[0]} images)`);
console.log(`predictions equal to the trained noisy model's on ${(agree * 100).toFixed(2)}% of the test images`);
