// npm run demo — LeNet-5 on Fashion-MNIST, trained twice from the same initial weights and the same
// data order: once plainly (baseline) and once with Adversarial Noise Layers (ANL, eps 0.03, the
// ANL paper's Table 2 setting). Prints both test errors.
//
//   node examples/demo/demo.mjs [--full] [--epochs N] [--batch B] [--eps E] [--seed S] [--backend wasm|cpu]
//
// Default data: the 6,000 + 1,000 image class-balanced subset shipped in @anl/models (no download).
// --full: the full 60,000 + 10,000 images when installed (apt-get install dataset-fashion-mnist).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { lenet5 } from '@anl/models';
import { loadFashionMnist } from '@anl/models/node';
import { trainWithNoise } from '@anl/tfjs';
import { pickBackend } from './pick-backend.mjs';
import { createProgressBar, formatSeconds } from './progress-bar.mjs';

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    epochs: { type: 'string' },
    batch: { type: 'string', default: '64' },
    eps: { type: 'string', default: '0.03' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string' },
  },
});
const batchSize = positiveInt('--batch', args.batch);
const seed = positiveInt('--seed', args.seed, true);
const eps = Number(args.eps);
if (!Number.isFinite(eps)) fail(`--eps must be a number, got ${args.eps}`);
if (args.backend !== undefined && args.backend !== 'wasm' && args.backend !== 'cpu') {
  fail(`--backend must be wasm or cpu, got ${args.backend}`);
}

const started = Date.now();
const { backend, probe } = await pickBackend(args.backend);
const probeText = probe
  .map((p) =>
    p.error
      ? `${p.name} failed (${p.error})`
      : p.msPerStep === undefined
        ? `${p.name} (forced)`
        : `${p.name} ${p.msPerStep.toFixed(0)} ms/step`,
  )
  .join(', ');
console.log(`tfjs ${tf.version.tfjs}, backend: ${backend}  [probe, LeNet-5 batch 64: ${probeText}]`);

let data;
try {
  data = await loadFashionMnist({ source: args.full ? 'full' : 'embedded' });
} catch (error) {
  if (!args.full) throw error;
  console.log(`--full: ${error.message}\nFalling back to the embedded subset.`);
  data = await loadFashionMnist({ source: 'embedded' });
}
const nTrain = data.train.labels.length;
const nTest = data.test.labels.length;
const epochs = positiveInt('--epochs', args.epochs ?? (data.source === 'full' ? '2' : '8'));
console.log(
  `Fashion-MNIST (${data.source === 'full' ? 'full set' : 'embedded class-balanced subset'}, ${data.dir}): ` +
    `${nTrain.toLocaleString('en')} train / ${nTest.toLocaleString('en')} test images`,
);
console.log(
  `LeNet-5 (61,706 parameters), ${epochs} epochs, batch ${batchSize}, Adam lr 0.001, seed ${seed}\n`,
);

const runs = [
  { label: 'baseline', method: 'none' },
  { label: `ANL eps=${eps}`, method: 'anl' },
];
for (const run of runs) {
  const result = await train(run);
  Object.assign(run, result);
}

const width = Math.max(...runs.map((r) => r.label.length));
console.log(
  `\nTest error on ${nTest.toLocaleString('en')} test images (same initial weights, same batch order):`,
);
for (const r of runs) {
  console.log(
    `  ${r.label.padEnd(width)}  ${(100 * r.error).toFixed(2).padStart(5)} %   (training ${formatSeconds(r.seconds)})`,
  );
}
const diff = 100 * (runs[1].error - runs[0].error);
console.log(
  `  ANL - baseline: ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} points; one test image = ${(100 / nTest).toFixed(2)} points.`,
);
// Binomial standard error of an error rate measured on nTest images: the test set's own noise.
const se = 100 * Math.sqrt((runs[0].error * (1 - runs[0].error)) / nTest);
console.log(
  `  Sampling noise of one error rate on ${nTest.toLocaleString('en')} images: about ±${se.toFixed(1)} points (binomial standard error);\n` +
    '  one seed and a short budget, so read a difference smaller than that as no difference.\n' +
    '  The ANL paper (Table 2, full Fashion-MNIST, trained to convergence): baseline 9.44 %, ANL(0.03) 8.87 %.',
);
console.log(`Total ${formatSeconds((Date.now() - started) / 1000)} on ${backend}.`);
tf.dispose([data.train.xs, data.train.ys, data.test.xs, data.test.ys]);

async function train({ label, method }) {
  const model = lenet5({ seed }); // same seed: identical initial weights for both runs
  const batches = Math.ceil(nTrain / batchSize);
  let bar;
  let seconds = 0;
  await trainWithNoise(
    model,
    { xs: data.train.xs, ys: data.train.ys },
    {
      method,
      eps: method === 'none' ? undefined : eps,
      epochs,
      batchSize,
      optimizer: tf.train.adam(0.001),
      seed,
      validationData: { xs: data.test.xs, ys: data.test.ys },
      callbacks: {
        onEpochBegin: (epoch) => {
          bar = createProgressBar({
            label: `${label.padEnd(14)} epoch ${epoch + 1}/${epochs}`,
            total: batches,
          });
        },
        onBatchEnd: (batch, logs) => bar.update(batch + 1, `loss ${logs.loss.toFixed(3)}`),
        onEpochEnd: (_epoch, logs) => {
          seconds += bar.finish(
            `loss ${logs.loss.toFixed(3)} train acc ${(100 * logs.acc).toFixed(1)}% test err ${(100 * (1 - logs.val_acc)).toFixed(2)}%`,
          );
        },
      },
    },
  );
  const error = testError(model);
  model.dispose();
  return { error, seconds };
}

/** Fraction of test images whose arg-max prediction differs from the label (computed here, in chunks). */
function testError(model) {
  let wrong = 0;
  for (let start = 0; start < nTest; start += 500) {
    const size = Math.min(500, nTest - start);
    const predicted = tf.tidy(() =>
      tf.argMax(model.predict(tf.slice(data.test.xs, start, size)), 1).dataSync(),
    );
    for (let i = 0; i < size; i++) if (predicted[i] !== data.test.labels[start + i]) wrong++;
  }
  return wrong / nTest;
}

function positiveInt(name, text, allowZero = false) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    fail(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${text}`);
  return n;
}

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(2);
}
