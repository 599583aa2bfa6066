// Collect results/<run>.json into results/table2.md: our LeNet-5 / Fashion-MNIST test errors next to
// the ANL paper's Table 2, and the epoch-time ratios next to the paper's (VGG-16 / CIFAR-10, GPU).
//
//   node summarise.mjs [--seed 1] [--tag e30]   (--tag: the runs named <method>[_eps]_<tag>_s<seed>,
//                                                written to results/table2-<tag>.md)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fail, parseNumber, RESULTS_DIR } from './lib/common.mjs';

let parsed;
try {
  parsed = parseArgs({
    options: { seed: { type: 'string', default: '1' }, tag: { type: 'string', default: '' } },
    strict: true,
  });
} catch (error) {
  fail(error.message);
}
const seed = parseNumber('seed', parsed.values.seed, { integer: true, min: 0 });
const tag = parsed.values.tag;
if (!/^[A-Za-z0-9-]*$/.test(tag)) fail(`--tag must be letters, digits or '-', got "${tag}"`);
const suffix = tag === '' ? `_s${seed}` : `_${tag}_s${seed}`;

// The paper's Table 2 (test error %, LeNet-5 / Fashion-MNIST); LAT has no LeNet-5 number there.
const ROWS = [
  { label: 'Baseline', run: `none${suffix}`, paper: 9.44 },
  { label: 'Gaussian (eps 0.03)', run: `gaussian_0.03${suffix}`, paper: 9.49 },
  { label: 'LAT (eps 0.03)', run: `lat_0.03${suffix}`, paper: null },
  { label: 'ANL (eps 0.03)', run: `anl_0.03${suffix}`, paper: 8.87 },
  { label: 'ANL (eps -0.03)', run: `anl_-0.03${suffix}`, paper: 12.0 },
  { label: 'CANL (eps 0.03)', run: `canl_0.03${suffix}`, paper: 9.21 },
];
// The paper's epoch times (VGG-16 / CIFAR-10, PyTorch, Titan Xp): 14.26 s, ANL 27.57 s, CANL 15.83 s.
const PAPER_RATIO = { anl: 1.93, canl: 1.11 };

const load = (run) => {
  const path = `${RESULTS_DIR}/${run}.json`;
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
};
const pct = (x) => (x * 100).toFixed(2);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const binomialSe = (p, n) => Math.sqrt((p * (1 - p)) / n);

const baseline = load(`none${suffix}`);
if (baseline === null)
  fail(`results/none${suffix}.json is missing: run \`node table2.mjs --method none --seed ${seed}\` first`);

/** Mean epoch time over the epochs with noise on, divided by the baseline's over the same epochs. */
function ratios(r) {
  const on = r.epochSeconds.slice(0, r.noiseEpochs ?? r.epochs);
  const off = r.epochSeconds.slice(r.noiseEpochs ?? r.epochs);
  const baseOn = baseline.epochSeconds.slice(0, on.length);
  const baseOff = baseline.epochSeconds.slice(on.length, on.length + off.length);
  return {
    on: mean(on) / mean(baseOn),
    off: off.length > 0 && baseOff.length > 0 ? mean(off) / mean(baseOff) : null,
  };
}

const lines = [];
lines.push('# ANL paper Table 2, reproduced: LeNet-5 on Fashion-MNIST');
lines.push('');
lines.push(
  `Test error (%) on the ${baseline.testImages.toLocaleString('en-US')} Fashion-MNIST test images after ${baseline.epochs} epochs (seed ${seed}, ` +
    `same initial weights and batch order for every method; noise for the first ${baseline.noiseEpochs} epochs, then off). ` +
    `± is the binomial standard error sqrt(p(1 − p)/n) of an n = ${baseline.testImages.toLocaleString('en-US')}-image test error. ` +
    `"best" is the lowest test error over the epochs (shown only to judge the noise, not a result: picking it uses the test set).`,
);
lines.push('');
lines.push('| method | ours: final test error | ours: best epoch | paper (300 epochs) |');
lines.push('| --- | --- | --- | --- |');
for (const row of ROWS) {
  const r = load(row.run);
  const paper = row.paper === null ? '— (not reported for LeNet-5)' : row.paper.toFixed(2);
  if (r === null) {
    lines.push(`| ${row.label} | not run | | ${paper} |`);
    continue;
  }
  const best = Math.min(...r.testErrorPerEpoch);
  const bestEpoch = r.testErrorPerEpoch.indexOf(best) + 1;
  lines.push(
    `| ${row.label} | ${pct(r.finalTestError)} ± ${pct(binomialSe(r.finalTestError, r.testImages))} | ` +
      `${pct(best)} (epoch ${bestEpoch}) | ${paper} |`,
  );
}
lines.push('');
lines.push('Test error (%) after every epoch:');
lines.push('');
lines.push(`| method | ${baseline.testErrorPerEpoch.map((_, e) => `${e + 1}`).join(' | ')} |`);
lines.push(`| --- | ${baseline.testErrorPerEpoch.map(() => '---').join(' | ')} |`);
for (const row of ROWS) {
  const r = load(row.run);
  if (r !== null) lines.push(`| ${row.label} | ${r.testErrorPerEpoch.map(pct).join(' | ')} |`);
}
lines.push('');
lines.push('## Training time per epoch');
lines.push('');
lines.push(
  'Mean seconds per epoch of the epochs with noise on (the first half), and the ratio to the baseline over the same epochs. ' +
    'The epochs with noise off run the baseline step, so their ratio should be about 1: how far it is from 1 shows the timing noise ' +
    "(two runs at once on a shared 2-core machine, wasm backend). The paper's ratios are VGG-16 on CIFAR-10 on a GPU.",
);
lines.push('');
lines.push(
  '| method | s/epoch, noise on | ratio vs baseline (noise on) | ratio, noise-off epochs (timing noise) | paper |',
);
lines.push('| --- | --- | --- | --- | --- |');
for (const row of ROWS) {
  const r = load(row.run);
  if (r === null) continue;
  const on = r.epochSeconds.slice(0, r.noiseEpochs ?? r.epochs);
  if (r.method === 'none') {
    lines.push(`| ${row.label} | ${mean(on).toFixed(1)} | 1.00x | 1.00x | 1.00x |`);
    continue;
  }
  const q = ratios(r);
  const paper = PAPER_RATIO[r.method] === undefined ? '—' : `${PAPER_RATIO[r.method].toFixed(2)}x`;
  lines.push(
    `| ${row.label} | ${mean(on).toFixed(1)} | ${q.on.toFixed(2)}x | ${q.off === null ? '—' : `${q.off.toFixed(2)}x`} | ${paper} |`,
  );
}

// Other seeds of the same runs, when present: the spread between seeds.
const tagPart = tag === '' ? '' : `_${tag}`;
const seedRun = new RegExp(`^(none|anl_0\\.03|canl_0\\.03)${tagPart}_s\\d+\\.json$`);
const others = readdirSync(RESULTS_DIR)
  .filter((f) => seedRun.test(f))
  .map((f) => JSON.parse(readFileSync(`${RESULTS_DIR}/${f}`, 'utf8')));
if (new Set(others.map((r) => r.seed)).size > 1) {
  const LABEL = { none: 'Baseline', anl: 'ANL (eps 0.03)', canl: 'CANL (eps 0.03)' };
  lines.push('');
  lines.push('## Seeds');
  lines.push('');
  lines.push(
    'Final test error (%) per seed (each seed: its own initial weights and batch order, shared by every method).',
  );
  lines.push('');
  lines.push('| method | seed | final test error | method − baseline, same seed |');
  lines.push('| --- | --- | --- | --- |');
  const bySeed = new Map();
  for (const r of others) bySeed.set(`${r.method}/${r.seed}`, r);
  const order = ['none', 'anl', 'canl'];
  for (const r of others.sort(
    (a, b) => order.indexOf(a.method) - order.indexOf(b.method) || a.seed - b.seed,
  )) {
    const base = bySeed.get(`none/${r.seed}`);
    const diff =
      r.method !== 'none' && base ? `${((r.finalTestError - base.finalTestError) * 100).toFixed(2)}` : '';
    lines.push(`| ${LABEL[r.method]} | ${r.seed} | ${pct(r.finalTestError)} | ${diff} |`);
  }
}
lines.push('');
lines.push(
  `Setup: SGD, Nesterov momentum 0.9, learning rates per epoch ${baseline.learningRates.map((x) => Number(x.toPrecision(2))).join(', ')} (the paper's lr drop by 5 every 50 of 300 epochs, scaled); batch ${baseline.batchSize}; ${baseline.trainImages.toLocaleString('en-US')} training images; ${baseline.backend}; Node ${baseline.node}. ` +
    'Produced by `node summarise.mjs` from results/*.json.',
);
writeFileSync(`${RESULTS_DIR}/${tag === '' ? 'table2' : `table2-${tag}`}.md`, `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
