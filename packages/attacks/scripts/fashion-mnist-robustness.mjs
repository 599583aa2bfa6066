#!/usr/bin/env node
/**
 * Baseline vs FGSM adversarial training (Goodfellow; the ANL paper's "AT eps=0.05" row) for LeNet-5 on
 * real Fashion-MNIST, then accuracy under FGSM at delta = 0, 2, 4, 6, 8 on the 0-255 scale (ANL Table 4),
 * under PGD-L∞ at the same deltas, and under the WM paper's uniform noise.
 *
 *   npx turbo run build --filter=@anl/core && (cd packages/attacks && npx tsup)
 *   node packages/attacks/scripts/fashion-mnist-robustness.mjs [--train 6000] [--test 2000] [--epochs 3]
 *        [--batch 64] [--seed 1] [--at-eps 0.05] [--data /usr/share/datasets/fashion-mnist]
 *        [--kernels stock|wasm-training] [--pgd-test 2000] [--out packages/attacks/results/fashion-mnist-lenet5-fgsm.json]
 *
 * Uses the first --train training images and the first --test test images of the IDX files (file order).
 * With --kernels wasm-training it loads the fast conv backward kernels of @anl/tfjs/wasm-training
 * (needs @anl/tfjs built, or --kernels-module <file> naming a bundle of it); the default is the stock
 * tfjs cpu backend.
 */
import { parseArgs } from 'node:util';
import {
  classifierFromLayersModel,
  evaluateRobustness,
  fgsmAdversarialTraining,
  formatRobustnessTable,
} from '@anl/attacks';
import { writeRobustnessJson } from '@anl/attacks/node';
import { lenet5 as buildLenet5 } from '@anl/models';
import { loadFashionMnist } from '@anl/models/node';
import * as tf from '@tensorflow/tfjs';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string', default: '6000' },
    test: { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    'at-eps': { type: 'string', default: '0.05' },
    data: { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
    kernels: { type: 'string', default: 'stock' },
    out: { type: 'string', default: 'packages/attacks/results/fashion-mnist-lenet5-fgsm.json' },
    'steps-limit': { type: 'string' },
    'kernels-module': { type: 'string' },
    'pgd-test': { type: 'string', default: '2000' },
  },
});
const trainCount = Number(args.train);
const testCount = Number(args.test);
const epochs = Number(args.epochs);
const batchSize = Number(args.batch);
const seed = Number(args.seed);
const atEps = Number(args['at-eps']);
const deltas = [0, 2, 4, 6, 8];
const pgdTestCount = Number(args['pgd-test']);
const uniformLevels = [0, 0.2, 0.4, 0.6, 0.8, 1.0];

/** LeNet-5 from @anl/models (the ANL paper's, without its noise layers), logits out, seeded weights. */
function lenet5(initSeed) {
  const model = buildLenet5({ seed: initSeed, output: 'logits', noise: false });
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  return model;
}

/** Seeded shuffle (mulberry32) so both models see the same batches. */
function shuffled(n, s) {
  let a = s >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

async function train(model, data, transform, label) {
  const started = Date.now();
  const stepsLimit = args['steps-limit'] === undefined ? Infinity : Number(args['steps-limit']);
  let steps = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffled(trainCount, seed * 1000 + epoch);
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < trainCount && steps < stepsLimit; start += batchSize, steps++) {
      const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
      const batch = { xs: tf.gather(data.xs, idx), ys: tf.gather(data.ys, idx) };
      const used = transform ? transform(batch) : batch;
      lossSum += Number(await model.trainOnBatch(used.xs, used.ys));
      batches++;
      tf.dispose([idx, batch.xs, batch.ys, used.xs, used.ys]);
    }
    console.error(
      `${label}: epoch ${epoch + 1}/${epochs} loss ${(lossSum / batches).toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  return { seconds: (Date.now() - started) / 1000, steps };
}

if (args.kernels === 'wasm-training') {
  // --kernels-module: a path to a bundle of the same module, for trees where @anl/tfjs is not built.
  const wasm = await import(args['kernels-module'] ?? '@anl/tfjs/wasm-training');
  await wasm.enableWasmTraining();
} else {
  await tf.setBackend('cpu');
}
await tf.ready();
console.error(`backend ${tf.getBackend()}, kernels ${args.kernels}`);

// The first trainCount / testCount images of the IDX files (file order), as @anl/models reads them.
const fashionMnist = await loadFashionMnist({
  source: 'full',
  dir: args.data,
  trainLimit: trainCount,
  testLimit: testCount,
});
const trainData = { ...fashionMnist.train, labels: Array.from(fashionMnist.train.labels) };
const testData = { ...fashionMnist.test, labels: Array.from(fashionMnist.test.labels) };
/**
 * FGSM on every test image (ANL Table 4), PGD-L∞ (10 steps of 2.5·eps/10, random start) on the first
 * --pgd-test images, and the WM paper's uniform noise U(0, a) renormalised by the 'range' map, with the
 * mean squared change of the last conv layer's activations after its ReLU, 'relu2' (WM Fig. 2b/3b).
 */
async function evaluate(model) {
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const all = { xs: testData.xs, labels: testData.labels };
  const fgsmReport = await evaluateRobustness(classifier, all, {
    attack: 'fgsm',
    deltas,
    batchSize: 250,
    activationLayer: 'relu2',
  });
  const pgdXs = testData.xs.slice(0, pgdTestCount);
  const pgdReport = await evaluateRobustness(
    classifier,
    { xs: pgdXs, labels: testData.labels.slice(0, pgdTestCount) },
    {
      attack: 'pgd',
      deltas,
      steps: 10,
      seed,
      batchSize: 250,
    },
  );
  pgdXs.dispose();
  const uniformReport = await evaluateRobustness(classifier, all, {
    attack: 'uniform',
    epsilons: uniformLevels,
    trials: 3,
    seed,
    batchSize: 500,
    activationLayer: 'relu2',
  });
  return { fgsm: fgsmReport, pgd: pgdReport, uniform: uniformReport };
}

const baseline = lenet5(seed);
const baselineTime = await train(baseline, trainData, undefined, 'baseline');
const baselineReport = await evaluate(baseline);

const adversarial = lenet5(seed);
const transform = fgsmAdversarialTraining(adversarial, { eps: atEps, bounds: [0, 1] });
const adversarialTime = await train(adversarial, trainData, transform, `FGSM-AT eps=${atEps}`);
const adversarialReport = await evaluate(adversarial);

const models = [
  { name: 'LeNet-5 baseline', reports: baselineReport },
  { name: `LeNet-5 FGSM-AT (eps=${atEps})`, reports: adversarialReport },
];
for (const attack of ['fgsm', 'pgd', 'uniform']) {
  console.log(formatRobustnessTable(models.map(({ name, reports }) => ({ name, report: reports[attack] }))));
  console.log();
}
await writeRobustnessJson(
  {
    description:
      'LeNet-5 on Fashion-MNIST: baseline vs FGSM adversarial training; accuracy under FGSM and PGD (delta on 0-255) and uniform noise',
    command:
      `node packages/attacks/scripts/fashion-mnist-robustness.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    data: {
      dir: args.data,
      trainImages: trainCount,
      testImages: testCount,
      pgdTestImages: pgdTestCount,
      selection: 'first N of each IDX file',
    },
    training: {
      epochs,
      batchSize,
      optimizer: 'adam(1e-3)',
      seed,
      atEps,
      backend: tf.getBackend(),
      kernels: args.kernels,
    },
    seconds: { baseline: baselineTime.seconds, fgsmAt: adversarialTime.seconds },
    steps: { baseline: baselineTime.steps, fgsmAt: adversarialTime.steps },
    node: process.version,
    models: Object.fromEntries(models.map(({ name, reports }) => [name, reports])),
  },
  args.out,
);
console.error(`wrote ${args.out}`);
