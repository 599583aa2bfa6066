#!/usr/bin/env node
/**
 * Strong evaluation of LeNet-5 defences on Fashion-MNIST (issue 11): baseline, ANL, CANL, FGSM-AT,
 * PGD-AT and PNI, each trained on the same small budget, attacked with FGSM, PGD-20, APGD-CE, APGD-T,
 * Square and AutoAttack at eps 0.1 (L∞, [0, 1] pixels), plus PGD-20 over eps; PNI also with EOT.
 *
 *   npx turbo run build --filter=@anl/attacks...
 *   nice -n 10 node packages/attacks/scripts/attacks-results.mjs [--train 5000] [--epochs 2] [--test 1000]
 *        [--models baseline,anl,canl,fgsm-at,pgd-at,pni] [--out packages/attacks/results/fashion-mnist-attacks.json]
 *
 * Data: the first --train training images and the first --test test images of the IDX files (file
 * order). Results are written after every model, so a partial run still leaves its numbers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ApgdAttack,
  FgsmAttack,
  fgsmAdversarialTraining,
  LinfPgdAttack,
  maskingChecks,
  pgdAdversarialTraining,
  SquareAttack,
  tfjsAttackClassifier,
} from '@anl/attacks';
import { lenet5 } from '@anl/models';
import { loadFashionMnist } from '@anl/models/node';
import { parametricNoiseLayer, trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string', default: '5000' },
    epochs: { type: 'string', default: '2' },
    test: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '64' },
    seed: { type: 'string', default: '1' },
    eps: { type: 'string', default: '0.1' },
    models: { type: 'string', default: 'baseline,anl,canl,fgsm-at,pgd-at,pni' },
    'apgd-steps': { type: 'string', default: '100' },
    'target-classes': { type: 'string', default: '3' },
    queries: { type: 'string', default: '1000' },
    'eot-draws': { type: 'string', default: '10' },
    data: { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
    out: { type: 'string', default: 'packages/attacks/results/fashion-mnist-attacks.json' },
  },
});
const trainCount = Number(args.train);
const testCount = Number(args.test);
const epochs = Number(args.epochs);
const batchSize = Number(args.batch);
const seed = Number(args.seed);
const eps = Number(args.eps);
const fgsmCurveEps = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3];
const pgdCurveEps = [0.05, 0.2, 0.3];
const apgdSteps = Number(args['apgd-steps']);
const targetClasses = Number(args['target-classes']);
const queries = Number(args.queries);
const eotDraws = Number(args['eot-draws']);

/** Seeded shuffle (mulberry32) so every model sees the same batches. */
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

function compiled(model) {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (t, p) => tf.losses.softmaxCrossEntropy(t, p) });
  return model;
}

/** LeNet-5 from @anl/models (logits out); `pni` puts a PNI layer after each convolution. */
function buildModel(kind) {
  const noise = kind === 'anl' || kind === 'canl' ? { after: 'conv', method: kind } : false;
  const base = lenet5({ seed, output: 'logits', noise });
  if (kind !== 'pni') return compiled(base);
  let t = base.inputs[0];
  for (const layer of base.layers.slice(1)) {
    t = layer.apply(t);
    if (layer.getClassName() === 'Conv2D') t = parametricNoiseLayer({ name: `${layer.name}_pni` }).apply(t);
  }
  return compiled(tf.model({ inputs: base.inputs, outputs: t }));
}

async function trainLoop(model, data, transform) {
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffled(trainCount, seed * 1000 + epoch);
    for (let start = 0; start < trainCount; start += batchSize) {
      const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
      const batch = { xs: tf.gather(data.xs, idx), ys: tf.gather(data.ys, idx) };
      const used = transform ? transform(batch) : batch;
      await model.trainOnBatch(used.xs, used.ys);
      tf.dispose([idx, batch.xs, batch.ys, used.xs, used.ys]);
    }
  }
}

const pgdAt = (model) =>
  pgdAdversarialTraining(model, { eps, steps: 3, stepSize: eps / 2, bounds: [0, 1], seed, labels: 'true' });
const TRAINING = {
  baseline: { describe: 'plain cross-entropy', train: (m, d) => trainLoop(m, d) },
  anl: {
    describe: 'trainWithNoise ANL, eps 0.03, noise after both convs',
    train: (m, d) =>
      trainWithNoise(
        m,
        { xs: d.xs, ys: d.ys },
        {
          method: 'anl',
          eps: 0.03,
          epochs,
          batchSize,
          optimizer: tf.train.adam(1e-3),
          loss: 'softmaxCrossEntropy',
          seed,
        },
      ),
  },
  canl: {
    describe: 'trainWithNoise CANL, eps 0.03, noise after both convs',
    train: (m, d) =>
      trainWithNoise(
        m,
        { xs: d.xs, ys: d.ys },
        {
          method: 'canl',
          eps: 0.03,
          epochs,
          batchSize,
          optimizer: tf.train.adam(1e-3),
          loss: 'softmaxCrossEntropy',
          seed,
        },
      ),
  },
  'fgsm-at': {
    describe: `FGSM adversarial training, eps ${eps}, true labels`,
    train: (m, d) => trainLoop(m, d, fgsmAdversarialTraining(m, { eps, bounds: [0, 1], labels: 'true' })),
  },
  'pgd-at': {
    describe: `PGD-3 adversarial training, eps ${eps}, step eps/2`,
    train: (m, d) => trainLoop(m, d, pgdAt(m)),
  },
  pni: {
    describe: `PNI (layer-wise alpha after both convs) with PGD-3 adversarial training, eps ${eps}`,
    train: (m, d) => trainLoop(m, d, pgdAt(m)),
  },
};

const wasm = await import('@anl/tfjs/wasm-training');
await wasm.enableWasmTraining();
await tf.ready();
console.error(`backend ${tf.getBackend()}`);

// The first trainCount / testCount images of the IDX files (file order), as @anl/models reads them.
const fashionMnist = await loadFashionMnist({
  source: 'full',
  dir: args.data,
  trainLimit: trainCount,
  testLimit: testCount,
});
const trainData = { ...fashionMnist.train, labels: Array.from(fashionMnist.train.labels) };
const testData = { ...fashionMnist.test, labels: Array.from(fashionMnist.test.labels) };
const results = existsSync(args.out) ? JSON.parse(readFileSync(args.out, 'utf8')) : { models: {} };
Object.assign(results, {
  description:
    'LeNet-5 on Fashion-MNIST under strong attacks (L∞, [0, 1] pixels): robust accuracy at eps and PGD-20 over eps',
  command: `node packages/attacks/scripts/attacks-results.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  data: {
    dir: args.data,
    trainImages: trainCount,
    testImages: testCount,
    selection: 'first N of each IDX file (file order)',
  },
  training: { epochs, batchSize, optimizer: 'adam(1e-3)', seed, backend: tf.getBackend() },
  attacks: {
    eps,
    FGSM: 'one step of eps',
    FGSMcurve: `FGSM at eps ${fgsmCurveEps.join(', ')} (one gradient)`,
    'PGD-20': '20 steps of 2.5·eps/20, random start',
    PGDcurve: `PGD-10 (10 steps of 0.25·eps, random start) at eps ${pgdCurveEps.join(', ')}, with PGD-20 at eps and clean at 0`,
    EOT: 'stochastic models only: PGD-10 with one gradient draw vs averaged over --eot-draws draws',
    'APGD-CE': `${apgdSteps} iterations, 1 restart`,
    'APGD-T': `targeted DLR, ${targetClasses} target classes x ${apgdSteps} iterations`,
    Square: `L∞, ${queries} queries, p_init 0.8`,
    AutoAttack: 'APGD-CE, then APGD-T, then Square, each on the points still robust (autoAttack sequence)',
    labels: 'true labels',
  },
});
const save = () => writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);

async function attackAll(classifier, options) {
  const x = testData.xs;
  const labels = testData.labels;
  const rows = {};
  const masks = {};
  const time = async (name, attack, epsilons = [eps]) => {
    const started = Date.now();
    const r = await attack.run(classifier, x, labels, { epsilons });
    const seconds = (Date.now() - started) / 1000;
    tf.dispose(r.results.map((e) => e.adversarial));
    console.error(
      `  ${name}: ${r.results.map((e) => (100 * e.robustAccuracy).toFixed(1)).join(' / ')} % (${seconds.toFixed(0)} s)`,
    );
    return { r, seconds };
  };
  const eot = options.eot;
  if (options.eotOnly) {
    // EOT run: PGD-10 with gradients averaged over draws, next to the same PGD-10 with one draw.
    const single = await time('PGD-10 single draw', new LinfPgdAttack({ steps: 10, seed, eot: 1 }));
    const pgdEot = await time(`PGD-10 EOT-${eot}`, new LinfPgdAttack({ steps: 10, seed, eot }));
    return {
      robustAccuracy: {
        'PGD-10 single draw': single.r.results[0].robustAccuracy,
        [`PGD-10 EOT-${eot}`]: pgdEot.r.results[0].robustAccuracy,
      },
      seconds: { 'PGD-10 single draw': single.seconds, [`PGD-10 EOT-${eot}`]: pgdEot.seconds },
      flags: maskingChecks({
        singleDraw: single.r.results[0].robustAccuracy,
        eot: pgdEot.r.results[0].robustAccuracy,
      }),
    };
  }
  const fg = await time('FGSM (curve)', new FgsmAttack({ eot }), fgsmCurveEps);
  rows.clean = fg.r.cleanAccuracy;
  rows.FGSM = fg.r.results[fgsmCurveEps.indexOf(eps)].robustAccuracy;
  const pgd = await time('PGD-20', new LinfPgdAttack({ steps: 20, seed, eot }));
  rows['PGD-20'] = pgd.r.results[0].robustAccuracy;
  const curve = await time('PGD-10 curve', new LinfPgdAttack({ steps: 10, seed, eot }), pgdCurveEps);
  const apgd = await time('APGD-CE', new ApgdAttack({ steps: apgdSteps, seed, eot }));
  rows['APGD-CE'] = apgd.r.results[0].robustAccuracy;
  masks.ce = apgd.r.results[0].success;
  const apgdT = await time(
    'APGD-T',
    new ApgdAttack({ steps: apgdSteps, loss: 'dlr', targetClasses, seed, eot }),
  );
  rows['APGD-T'] = apgdT.r.results[0].robustAccuracy;
  masks.t = apgdT.r.results[0].success;
  const square = await time('Square', new SquareAttack({ queries, seed }));
  rows.Square = square.r.results[0].robustAccuracy;
  masks.sq = square.r.results[0].success;
  // AutoAttack's sequence runs each attack on the points the earlier ones left robust, so its set of
  // fooled points is the union of the three runs above (same budgets and seeds).
  let robust = 0;
  for (let i = 0; i < testCount; i++) robust += masks.ce[i] || masks.t[i] || masks.sq[i] ? 0 : 1;
  rows.AutoAttack = robust / testCount;
  console.error(`  AutoAttack: ${(100 * rows.AutoAttack).toFixed(1)} %`);
  const whiteBox = Math.min(rows.FGSM, rows['PGD-20'], rows['APGD-CE'], rows['APGD-T']);
  const largest = curve.r.results[curve.r.results.length - 1];
  const curves = {
    FGSM: fg.r.results.map((e) => ({ eps: e.eps, robustAccuracy: e.robustAccuracy })),
    PGD: [
      { eps: 0, robustAccuracy: rows.clean },
      ...curve.r.results.map((e) => ({ eps: e.eps, robustAccuracy: e.robustAccuracy })),
      { eps, robustAccuracy: rows['PGD-20'] },
    ].sort((a, b) => a.eps - b.eps),
  };
  const flags = maskingChecks({
    whiteBox,
    blackBox: rows.Square,
    largeEps: { eps: largest.eps, robustAccuracy: largest.robustAccuracy },
  });
  return {
    robustAccuracy: rows,
    curves,
    seconds: {
      'FGSM curve': fg.seconds,
      'PGD-20': pgd.seconds,
      'PGD-10 curve': curve.seconds,
      'APGD-CE': apgd.seconds,
      'APGD-T': apgdT.seconds,
      Square: square.seconds,
    },
    flags,
  };
}

for (const kind of args.models.split(',')) {
  const spec = TRAINING[kind];
  if (!spec) throw new Error(`unknown model ${kind}`);
  const model = buildModel(kind);
  const started = Date.now();
  await spec.train(model, trainData);
  const trainSeconds = (Date.now() - started) / 1000;
  console.error(`${kind}: trained in ${trainSeconds.toFixed(0)} s`);
  const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
  const entry = { training: spec.describe, trainSeconds, stochastic: classifier.stochastic };
  entry.attacks = await attackAll(classifier, { eot: classifier.stochastic ? 1 : undefined });
  if (classifier.stochastic) {
    // EOT: the same attacks with gradients averaged over draws.
    console.error(`  EOT over ${eotDraws} draws:`);
    entry.eot = { draws: eotDraws, ...(await attackAll(classifier, { eot: eotDraws, eotOnly: true })) };
  }
  results.models[kind] = entry;
  save();
  model.dispose();
}
console.error(`wrote ${args.out}`);
