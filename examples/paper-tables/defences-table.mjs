// The defences table (issue 12): LeNet-5 on real Fashion-MNIST, every defence trained through the
// same trainer (`trainWithNoise` with a registry method; Gaussian augmentation as a batchTransform)
// with the same budget, then measured the same way: clean test error, AutoAttack robust accuracy at
// L∞ eps 0.1 (the 'rand' version with EOT for the stochastic PNI models), training CPU time relative to
// the baseline, and for the Gaussian-augmentation row the smoothed classifier's certified accuracy
// at L2 radii 0.25, 0.5 and 1.0 (Cohen et al.'s CERTIFY).
//
//   node defences-table.mjs [--rows baseline,anl,...] [--seeds 1] [--train 10000] [--epochs 3]
//       [--attack-test 500] [--certify-test 200] [--queries 500] [--apgd-steps 10] [--eot 5]
//
// Writes results/defences_<row>_s<seed>.json (a finished row is skipped on a rerun); summarise with
// `node defences-summarise.mjs`.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  autoAttack,
  certifiedAccuracy,
  certify,
  classifierFromLayersModel,
  gaussianAugmentation,
  tfjsAttackClassifier,
} from '@anl/attacks';
import { lenet5 } from '@anl/models';
import { isNoiseLayer, parametricNoiseLayer, toPniWeightModel, trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import {
  fail,
  loadFullFashionMnist,
  parseNumber,
  RESULTS_DIR,
  setUpBackend,
  testError,
} from './lib/common.mjs';

const EPS = 0.1;
const SIGMA = 0.5;
const RADII = [0, 0.25, 0.5, 1.0];
/** Inner attack of PGD-AT and TRADES: 7 steps (the PNI paper's count) of 2.5·eps/7 (the CLI's PGD rule), from a random start. */
const PGD_AT = { steps: 7, stepFactor: 2.5 / 7 };

/**
 * Each row: how its model is built and how it is trained. Every row: Adam 0.001, batch 128, the same
 * epochs, the same first training images, seed-initialised weights (lenet5({ seed })) and batch order.
 */
const ROWS = {
  baseline: { build: plainLenet, train: { method: 'none' } },
  anl: { build: plainLenet, train: { method: 'anl', eps: 0.03 } },
  canl: { build: plainLenet, train: { method: 'canl', eps: 0.03 } },
  // PNI (He et al. 2019) is trained with PGD adversarial training as the paper does, the noise on
  // inside the attack (attackMode 'training'); it stays on at inference (the paper's setting).
  'pni-a': {
    build: (seed) => pniActivations(plainLenet(seed), seed),
    train: { method: 'pgd-at', eps: EPS, methodOptions: { 'pgd-at': { ...PGD_AT, attackMode: 'training' } } },
  },
  'pni-w': {
    build: (seed) => toPniWeightModel(plainLenet(seed), { granularity: 'channel', seed }),
    train: { method: 'pgd-at', eps: EPS, methodOptions: { 'pgd-at': { ...PGD_AT, attackMode: 'training' } } },
  },
  'fgsm-at': { build: plainLenet, train: { method: 'fgsm-at', eps: EPS } },
  'fast-at': { build: plainLenet, train: { method: 'fast-at', eps: EPS } },
  'pgd-at': { build: plainLenet, train: { method: 'pgd-at', eps: EPS, methodOptions: { 'pgd-at': PGD_AT } } },
  trades: {
    build: plainLenet,
    train: { method: 'trades', eps: EPS, methodOptions: { trades: { beta: 6, ...PGD_AT } } },
  },
  'gaussian-smoothing': {
    build: plainLenet,
    train: { method: 'none' },
    augment: (seed) => gaussianAugmentation({ sigma: SIGMA, seed }),
    certify: true,
  },
};

let parsed;
try {
  parsed = parseArgs({
    options: {
      rows: { type: 'string', default: Object.keys(ROWS).join(',') },
      seeds: { type: 'string', default: '1' },
      train: { type: 'string', default: '10000' },
      epochs: { type: 'string', default: '3' },
      batch: { type: 'string', default: '128' },
      'attack-test': { type: 'string', default: '500' },
      'certify-test': { type: 'string', default: '200' },
      queries: { type: 'string', default: '500' },
      'apgd-steps': { type: 'string', default: '10' },
      eot: { type: 'string', default: '5' },
      n0: { type: 'string', default: '32' },
      n: { type: 'string', default: '500' },
      alpha: { type: 'string', default: '0.001' },
      tag: { type: 'string', default: '' },
    },
    strict: true,
  });
} catch (error) {
  fail(error.message);
}
const args = parsed.values;
const rows = args.rows.split(',');
for (const r of rows)
  if (!(r in ROWS)) fail(`unknown row ${JSON.stringify(r)}: expected one of ${Object.keys(ROWS).join(', ')}`);
const seeds = args.seeds.split(',').map((s) => parseNumber('seeds', s, { integer: true, min: 0 }));
const int = (name) => parseNumber(name, args[name], { integer: true, min: 1 });
const budget = {
  trainImages: int('train'),
  epochs: int('epochs'),
  batchSize: int('batch'),
  optimizer: 'Adam, lr 0.001',
  attackImages: int('attack-test'),
  certifyImages: int('certify-test'),
  autoAttack: { eps: EPS, norm: 'linf', steps: int('apgd-steps'), queries: int('queries'), eot: int('eot') },
  smoothing: {
    sigma: SIGMA,
    n0: int('n0'),
    n: int('n'),
    alpha: parseNumber('alpha', args.alpha, { min: 0 }),
  },
};

const backend = await setUpBackend();
const data = await loadFullFashionMnist(budget.trainImages, 10000);
console.log(`${backend}; ${data.train.xs.shape[0]} train / ${data.test.xs.shape[0]} test images`);
mkdirSync(RESULTS_DIR, { recursive: true });

for (const seed of seeds) {
  for (const row of rows) {
    const name = `defences_${row}${args.tag}_s${seed}`;
    const file = `${RESULTS_DIR}/${name}.json`;
    if (existsSync(file) || existsSync(`${file}.running`)) {
      console.log(`${name}: done already, or running in another process (${file})`);
      continue;
    }
    // Claimed for this process, so a second process (e.g. --rows in reverse order) skips it.
    writeFileSync(`${file}.running`, `${process.pid}\n`);
    const spec = ROWS[row];
    const model = spec.build(seed);
    const optimizer = tf.train.adam(0.001);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const history = await trainWithNoise(model, data.train, {
      ...spec.train,
      epochs: budget.epochs,
      batchSize: budget.batchSize,
      optimizer,
      seed,
      batchTransform: spec.augment?.(seed),
      callbacks: {
        onEpochEnd: (epoch, logs) =>
          console.log(
            `${name} epoch ${epoch + 1}/${budget.epochs} loss ${logs.loss.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
          ),
      },
    });
    const cpu = process.cpuUsage(cpu0);
    const train = {
      wallSeconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      loss: history.history.loss,
    };
    const cleanError = testError(model, data.test.xs, data.test.labels);
    console.log(
      `${name}: trained in ${train.cpuSeconds.toFixed(0)} CPU s; clean error ${(100 * cleanError).toFixed(2)}%`,
    );
    const robust = await runAutoAttack(model, seed);
    console.log(
      `${name}: AutoAttack (${robust.version}) robust accuracy ${(100 * robust.robustAccuracy).toFixed(1)}% on ${robust.images} images (${robust.seconds.toFixed(0)} s)`,
    );
    const certification = spec.certify ? await runCertify(model, seed) : undefined;
    if (certification)
      console.log(
        `${name}: certified accuracy ${certification.curve.map((p) => `r=${p.radius}: ${(100 * p.accuracy).toFixed(1)}%`).join(', ')}`,
      );
    const result = {
      name,
      row,
      seed,
      method: spec.train.method,
      eps: spec.train.eps ?? null,
      methodOptions: spec.train.methodOptions ?? null,
      gaussianAugmentation: spec.augment ? { sigma: SIGMA } : null,
      params: model.countParams(),
      budget,
      train,
      clean: { error: cleanError, testImages: data.test.xs.shape[0] },
      autoAttack: robust,
      certification: certification ?? null,
      backend,
      finishedAt: new Date().toISOString(),
    };
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    rmSync(`${file}.running`, { force: true });
    tf.dispose(optimizer);
    model.dispose();
  }
}

/** LeNet-5 of the ANL paper (noise layers after both convolutions: inert unless a noise method runs). */
function plainLenet(seed) {
  return lenet5({ seed });
}

/** LeNet-5 with each noise layer swapped for a channel-wise PNI-A layer (alpha 0.25, noise on at inference). */
function pniActivations(model, seed) {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const input = tf.input({ shape: model.inputs[0].shape.slice(1) });
  let x = input;
  let k = 0;
  for (const layer of layers) {
    const next = isNoiseLayer(layer)
      ? parametricNoiseLayer({ name: `${layer.name}/pni`, granularity: 'channel', seed: seed * 101 + k++ })
      : layer;
    x = next.apply(x);
  }
  return tf.model({ inputs: input, outputs: x, name: `${model.name}_pni_a` });
}

/** AutoAttack at L∞ eps 0.1 on the first test images: 'standard', or 'rand' (EOT) for a stochastic model. */
async function runAutoAttack(model, seed) {
  const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
  const n = budget.attackImages;
  const version = classifier.stochastic ? 'rand' : 'standard';
  const started = performance.now();
  let robust = 0;
  let correct = 0;
  const stages = [];
  for (let start = 0; start < n; start += 250) {
    const size = Math.min(250, n - start);
    const xs = data.test.xs.slice(start, size);
    const labels = Array.from(data.test.labels.slice(start, start + size));
    const r = await autoAttack(classifier, xs, labels, {
      norm: 'linf',
      eps: EPS,
      version,
      steps: budget.autoAttack.steps,
      queries: budget.autoAttack.queries,
      eot: budget.autoAttack.eot,
      seed,
    });
    r.adversarial.dispose();
    xs.dispose();
    robust += r.robustAccuracy * size;
    correct += r.cleanAccuracy * size;
    stages.push(r.stages);
  }
  return {
    version,
    stochastic: classifier.stochastic,
    images: n,
    cleanAccuracy: correct / n,
    robustAccuracy: robust / n,
    stages,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Cohen et al.'s CERTIFY on the first test images; certified accuracy at each radius (abstain = wrong). */
async function runCertify(model, seed) {
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const n = budget.certifyImages;
  const xs = data.test.xs.slice(0, n);
  const labels = data.test.labels.slice(0, n);
  const started = performance.now();
  const { n0, n: samples, alpha } = budget.smoothing;
  const certificates = await certify(classifier, xs, {
    sigma: SIGMA,
    n0,
    n: samples,
    alpha,
    seed,
    batchSize: 500,
  });
  xs.dispose();
  const abstained = certificates.filter((c) => c.prediction === -1).length;
  return {
    sigma: SIGMA,
    n0,
    n: samples,
    alpha,
    images: n,
    abstained,
    curve: certifiedAccuracy(certificates, labels, RADII),
    radii: certificates.map((c) => c.radius),
    predictions: certificates.map((c) => c.prediction),
    seconds: (performance.now() - started) / 1000,
  };
}
