// FGSM robustness of the LeNet-5s trained by table2.mjs (a LeNet-5 / Fashion-MNIST version of the ANL
// paper's Table 4, which is VGG-16 / CIFAR-10): accuracy on the 10,000 test images under FGSM (or PGD) with
// delta on the 0-255 scale (eps = delta / 255 on [0, 1] pixels), attack labels = the true labels.
//
//   node table4.mjs [--seed 1] [--deltas 0,2,4,6,8] [--test 10000] [--attack fgsm|pgd]
//
// --attack pgd (10 steps of 0.25·eps, random start, seed 1) checks whether FGSM gains hold against a
// multi-step attack; it writes results/table4-pgd.{md,json} instead.
//
// Reads models/<run>/ (saved, noise layers stripped, by table2.mjs); writes results/table4.json and
// results/table4.md.
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { classifierFromLayersModel, evaluateRobustness } from '@anl/attacks';
import '@anl/models';
import { loadModel } from '@anl/tfjs/node';
import { fail, loadFullFashionMnist, MODELS_DIR, parseNumber, RESULTS_DIR, setUpBackend } from './lib/common.mjs';

let parsed;
try {
  parsed = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      deltas: { type: 'string', default: '0,2,4,6,8' },
      test: { type: 'string', default: '10000' },
      attack: { type: 'string', default: 'fgsm' },
    },
    strict: true,
  });
} catch (error) {
  fail(error.message);
}
const args = parsed.values;
const seed = parseNumber('seed', args.seed, { integer: true, min: 0 });
const testLimit = parseNumber('test', args.test, { integer: true, min: 1 });
const deltas = args.deltas.split(',').map((d) => parseNumber('deltas', d, { min: 0 }));
const attack = args.attack;
if (attack !== 'fgsm' && attack !== 'pgd') fail(`unknown --attack ${JSON.stringify(attack)}: expected fgsm or pgd`);
const suffix = attack === 'fgsm' ? '' : `-${attack}`;
if (deltas.some((d) => d > 255)) fail(`--deltas are on the 0-255 scale, got ${args.deltas}`);

// Rows of the paper's Table 4 (VGG-16 / CIFAR-10, accuracy % at delta 0/2/4/6/8) and our runs.
const ROWS = [
  { label: 'Baseline', run: `none_s${seed}`, paper: [92.0, 53.8, 42.2, 37.4, 33.8] },
  { label: 'FGSM-AT (eps 0.05)', run: `fgsm-at_0.05_s${seed}`, paper: [91.9, 74.5, 68.8, 59.7, 53.9] },
  { label: 'ANL (eps 0.05, + input)', run: `anl_0.05_input_s${seed}`, paper: [93.9, 79.2, 71.8, 63.7, 61.0] },
  { label: 'CANL (eps 0.05, + input)', run: `canl_0.05_input_s${seed}`, paper: [93.7, 75.7, 65.0, 58.3, 55.8] },
  // Not in the paper's Table 4: the Table 2 models (noise after the convs only, eps 0.03).
  { label: 'ANL (eps 0.03, Table 2 model)', run: `anl_0.03_s${seed}`, paper: null },
  { label: 'CANL (eps 0.03, Table 2 model)', run: `canl_0.03_s${seed}`, paper: null },
];
const PAPER_DELTAS = [0, 2, 4, 6, 8];

const backend = await setUpBackend();
const data = await loadFullFashionMnist(1, testLimit);
const labels = Array.from(data.test.labels);
console.log(`${backend}; ${data.test.xs.shape[0]} test images; ${attack.toUpperCase()} deltas ${deltas.join(', ')} (0-255 scale)`);

const results = [];
for (const row of ROWS) {
  const dir = `${MODELS_DIR}/${row.run}`;
  if (!existsSync(dir)) {
    console.log(`${row.label}: models/${row.run} missing (run table2.mjs for it first), skipped`);
    continue;
  }
  const model = await loadModel(dir);
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const started = performance.now();
  const report = await evaluateRobustness(
    classifier,
    { xs: data.test.xs, labels },
    attack === 'fgsm'
      ? { attack: 'fgsm', deltas, attackLabels: 'true', batchSize: 500 }
      : { attack: 'pgd', deltas, attackLabels: 'true', batchSize: 500, steps: 10, relativeStepSize: 0.25, randomStart: true, seed: 1 },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${row.label}: ${report.rows.map((r) => (r.accuracy * 100).toFixed(2)).join(' / ')} (${seconds.toFixed(1)} s)`);
  results.push({ ...row, report, seconds });
  model.dispose();
}
tf.dispose([data.train.xs, data.train.ys, data.test.xs, data.test.ys]);
if (results.length === 0) fail('no trained models found under models/: run table2.mjs first');

writeFileSync(
  `${RESULTS_DIR}/table4${suffix}.json`,
  `${JSON.stringify({ attack, deltas, testImages: labels.length, backend, results }, null, 2)}\n`,
);

const acc = (x) => (x * 100).toFixed(1);
const lines = [];
lines.push(`# ANL paper Table 4, LeNet-5 / Fashion-MNIST version: accuracy under ${attack.toUpperCase()}`);
lines.push('');
lines.push(
  `Accuracy (%) on the ${labels.length.toLocaleString('en-US')} Fashion-MNIST test images under ` +
    (attack === 'fgsm'
      ? 'FGSM, x + δ/255 · sign(∇ₓJ) clipped to [0, 1], '
      : 'PGD-L∞ (eps = δ/255, 10 steps of 0.25·eps, random start, seed 1, projected and clipped to [0, 1]), ') +
    'δ on the 0–255 scale, gradients of the true labels\' loss, noise layers stripped (as at inference). ' +
    'Models from `table2.mjs` (same seed, initial weights, batch order and optimiser as Table 2; see README).',
);
lines.push('');
lines.push(`| ours: LeNet-5, Fashion-MNIST | ${deltas.map((d) => `δ = ${d}`).join(' | ')} |`);
lines.push(`| --- | ${deltas.map(() => '---').join(' | ')} |`);
for (const r of results) lines.push(`| ${r.label} | ${r.report.rows.map((x) => acc(x.accuracy)).join(' | ')} |`);
lines.push('');
lines.push(
  'For comparison only, **a different model and data set**: the paper\'s Table 4 is VGG-16 on CIFAR-10 ' +
    '(300-epoch GPU training); absolute numbers are not comparable, only the ordering of the methods is.',
);
lines.push('');
lines.push(`| paper: VGG-16, CIFAR-10 | ${PAPER_DELTAS.map((d) => `δ = ${d}`).join(' | ')} |`);
lines.push(`| --- | ${PAPER_DELTAS.map(() => '---').join(' | ')} |`);
for (const row of ROWS) if (row.paper) lines.push(`| ${row.label.replace(/, \+ input/, '')} | ${row.paper.map((x) => x.toFixed(1)).join(' | ')} |`);
lines.push('');
lines.push(`Produced by \`node table4.mjs${attack === 'fgsm' ? '' : ` --attack ${attack}`}${testLimit === 10000 ? '' : ` --test ${testLimit}`}\` (results/table4${suffix}.json holds the full reports).`);
writeFileSync(`${RESULTS_DIR}/table4${suffix}.md`, `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
