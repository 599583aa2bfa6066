#!/usr/bin/env node
// Attack throughput (issue 11): images/s for PGD-20, APGD-CE-100 and Square-1000 on LeNet-5 at batch
// 256 on the tfjs wasm backend, and the wall time of one AutoAttack (standard, L∞) run on the same
// batch. Runs alone: `node bench/attacks.mjs [--batch 256] [--eps 0.1] [--train 2000] [--aa-queries 5000]`
// (needs the packages built). Writes bench/results/attacks-<date>.{json,md}.
// `--backend wasm,webgpu` times the same attacks on the same trained model on each backend in turn
// (webgpu last: Dawn in Node cannot hand tensors back synchronously; `--webgpu-driver` as in run.mjs);
// `--attacks pgd,apgd-ce,square,autoattack` picks attacks, `--steps N` / `--queries N` their budgets.
//
// The model is LeNet-5 (@anl/models) trained one epoch on the first --train Fashion-MNIST training
// images (the embedded subset when the Debian files are absent), so the attacks meet a model that
// classifies most inputs correctly. APGD and Square stop working on inputs they have fooled, so their
// images/s depend on the model; PGD always runs every step.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ApgdAttack, autoAttack, LinfPgdAttack, SquareAttack, tfjsAttackClassifier } from '@anl/attacks';
import { lenet5 } from '@anl/models';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from './lib/backends.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    eps: { type: 'string', default: '0.1' },
    train: { type: 'string', default: '2000' },
    'aa-queries': { type: 'string', default: '5000' },
    backend: { type: 'string', default: 'wasm' },
    'webgpu-driver': { type: 'string', default: 'auto' },
    attacks: { type: 'string', default: 'pgd,apgd-ce,square,autoattack' },
    steps: { type: 'string' },
    queries: { type: 'string', default: '1000' },
    out: { type: 'string' },
  },
});
const batch = Number(args.batch);
const eps = Number(args.eps);
const log = (...a) => console.error(`[bench attacks ${new Date().toISOString().slice(11, 19)}]`, ...a);

const systemDir = '/usr/share/datasets/fashion-mnist';
const embeddedDir = join(here, '..', 'packages', 'models', 'data', 'fashion-mnist-subset');
const dataDir = existsSync(join(systemDir, 'train-images-idx3-ubyte.gz')) ? systemDir : embeddedDir;
function read(split, count) {
  const unzip = (f) => {
    const b = gunzipSync(readFileSync(join(dataDir, f)));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  };
  const images = unzip(`${split}-images-idx3-ubyte.gz`);
  const labels = unzip(`${split}-labels-idx1-ubyte.gz`);
  const n = Math.min(count, new DataView(images.buffer, images.byteOffset).getUint32(4));
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i] / 255;
  return { xs: tf.tensor4d(pixels, [n, 28, 28, 1]), labels: Array.from(labels.subarray(8, 8 + n)) };
}

const backends = args.backend.split(',');
const attackNames = args.attacks.split(',');
for (const a of attackNames) {
  if (!['pgd', 'apgd-ce', 'square', 'autoattack'].includes(a)) throw new Error(`unknown attack ${a}`);
}
// Train (and read the data) on wasm: the model's weights then move to each backend attacked on.
await useBackend('wasm');
log(`training on ${tf.getBackend()}, data ${dataDir}`);
const train = read('train', Number(args.train));
const model = lenet5({ seed: 1, output: 'logits', noise: false });
model.compile({ optimizer: tf.train.adam(2e-3), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
const ys = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);
await model.fit(train.xs, ys, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
tf.dispose([train.xs, ys]);
const test = read('t10k', batch);
const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });

const runs = [];
const autoAttackRuns = [];
async function timeAttack(backend, name, attack) {
  const started = performance.now();
  const result = await attack.run(classifier, test.xs, test.labels, { epsilons: [eps] });
  const seconds = (performance.now() - started) / 1000;
  tf.dispose(result.results.map((r) => r.adversarial));
  const row = {
    backend,
    attack: name,
    batch,
    seconds: Number(seconds.toFixed(2)),
    imagesPerSecond: Number((batch / seconds).toFixed(1)),
    cleanAccuracy: result.cleanAccuracy,
    robustAccuracy: result.results[0].robustAccuracy,
  };
  log(JSON.stringify(row));
  runs.push(row);
}
const pgdSteps = Number(args.steps ?? 20);
const apgdSteps = Number(args.steps ?? 100);
const queries = Number(args.queries);
for (const name of backends) {
  const { label } = await useBackend(name, { webgpuDriver: args['webgpu-driver'] });
  log(`attacking on ${label}`);
  if (attackNames.includes('pgd')) await timeAttack(label, `PGD-${pgdSteps}`, new LinfPgdAttack({ steps: pgdSteps }));
  if (attackNames.includes('apgd-ce'))
    await timeAttack(label, `APGD-CE-${apgdSteps}`, new ApgdAttack({ steps: apgdSteps }));
  if (attackNames.includes('square'))
    await timeAttack(label, `Square-${queries}`, new SquareAttack({ queries }));
  if (attackNames.includes('autoattack')) {
    const started = performance.now();
    const aa = await autoAttack(classifier, test.xs, test.labels, {
      norm: 'linf',
      eps,
      version: 'standard',
      steps: apgdSteps,
      queries: Number(args['aa-queries']),
    });
    aa.adversarial.dispose();
    const row = {
      backend: label,
      batch,
      eps,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      cleanAccuracy: aa.cleanAccuracy,
      robustAccuracy: aa.robustAccuracy,
      stages: aa.stages,
      budgets: `APGD-CE ${apgdSteps}, APGD-T 9 targets x ${apgdSteps}, Square ${args['aa-queries']}`,
    };
    log(JSON.stringify(row));
    autoAttackRuns.push(row);
  }
}
const autoAttackRun = autoAttackRuns[0];

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAvg: loadavg().map((x) => Number(x.toFixed(2))),
    node: process.versions.node,
  },
  backend: backends.join(','),
  model: `LeNet-5 (@anl/models), 1 epoch on ${args.train} training images`,
  eps,
  runs,
  autoAttack: autoAttackRun,
  autoAttackRuns,
};
const outDir = join(here, 'results');
mkdirSync(outDir, { recursive: true });
const out = args.out ?? join(outDir, `attacks-${results.date.slice(0, 10)}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
const md = [
  `# Attack throughput (${results.date.slice(0, 10)}, ${results.backend}, load ${results.machine.loadAvg.join(' ')})`,
  '',
  `${results.model}; batch ${batch}; L∞ eps ${eps}.`,
  '',
  '| backend | attack | seconds | images/s | robust accuracy |',
  '|---|---|---:|---:|---:|',
  ...runs.map(
    (r) =>
      `| ${r.backend} | ${r.attack} | ${r.seconds} | ${r.imagesPerSecond} | ${(100 * r.robustAccuracy).toFixed(1)} % |`,
  ),
  ...autoAttackRuns.map(
    (r) =>
      `| ${r.backend} | AutoAttack (standard) | ${r.seconds} | ${(batch / r.seconds).toFixed(1)} | ${(100 * r.robustAccuracy).toFixed(1)} % |`,
  ),
  '',
].join('\n');
writeFileSync(out.replace(/\.json$/, '.md'), md);
log(`wrote ${out}`);
