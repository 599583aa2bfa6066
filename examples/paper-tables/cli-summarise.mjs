// The CLI reproduction (run-cli.sh) next to the ANL paper: reads the `anl compare` cells under
// results/cli-table2, cli-table3 and cli-fig4 and writes results/cli-reproduction.md.
//
//   node cli-summarise.mjs
//
// Every number is read from a cell file; the paper's numbers are the ones printed in its tables.
// sd is the sample standard deviation over seeds (n - 1); a difference to the baseline is taken per
// seed (same initial weights and batch order) and then averaged.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { RESULTS_DIR } from './lib/common.mjs';

// ANL paper, Table 2 (test error %, LeNet-5 / Fashion-MNIST, 300 epochs) and Table 1 (phi(0, c)).
const PAPER_TABLE2 = {
  none: 9.44,
  'gaussian 0.03': 9.49,
  'anl 0.03': 8.87,
  'anl -0.03': 12.0,
  'canl 0.03': 9.21,
};
const PAPER_TABLE1 = [0.77, 0.07, -0.13, 0.09, 0.03, -0.1, -0.12, 0.05, -0.08, 0.02];
const LABELS = {
  none: 'Baseline',
  'gaussian 0.03': 'Gaussian (eps 0.03)',
  'anl 0.03': 'ANL (eps 0.03)',
  'anl -0.03': 'ANL (eps −0.03)',
  'canl 0.03': 'CANL (eps 0.03)',
};

function cellsIn(name) {
  const dir = `${RESULTS_DIR}/${name}/cells`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')));
}

const keyOf = (cell) =>
  cell.spec.eps === undefined ? cell.spec.method : `${cell.spec.method} ${cell.spec.eps}`;

/** cells grouped by method + eps, each group a Map seed -> cell. */
function grouped(cells) {
  const groups = new Map();
  for (const cell of cells) {
    const key = keyOf(cell);
    if (!groups.has(key)) groups.set(key, new Map());
    groups.get(key).set(cell.spec.seed, cell);
  }
  return groups;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) =>
  xs.length < 2 ? Number.NaN : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const meanSd = (xs, digits = 2) =>
  xs.length === 0
    ? '–'
    : xs.length === 1
      ? fmt(xs[0], digits)
      : `${fmt(mean(xs), digits)} ± ${fmt(sd(xs), digits)}`;
const seedsOf = (group) => [...group.keys()].sort((a, b) => a - b);
const errorPct = (cell) => 100 * cell.clean.error;

/** Mean seconds per epoch over the epochs where noise was on (all epochs for the baseline). */
function noiseOnEpochSeconds(cell) {
  const on = cell.train.epochs.slice(0, cell.spec.noiseEpochs ?? cell.train.epochs.length);
  return mean(on.map((e) => e.seconds));
}

function errorTable(groups, order, baseline, paper) {
  const lines = [
    `| method | seeds | test error % per seed | mean ± sd | − baseline, paired (mean ± sd) | paper | paper − baseline |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const key of order) {
    const group = groups.get(key);
    if (group === undefined) continue;
    const seeds = seedsOf(group);
    const errors = seeds.map((s) => errorPct(group.get(s)));
    const diffs = seeds
      .filter((s) => baseline?.has(s))
      .map((s) => errorPct(group.get(s)) - errorPct(baseline.get(s)));
    const p = paper?.[key];
    lines.push(
      `| ${LABELS[key] ?? key} | ${seeds.join(', ')} | ${errors.map((e) => fmt(e)).join(', ')} | ${meanSd(errors)} | ${group === baseline ? '' : meanSd(diffs)} | ${p ?? '–'} | ${p === undefined || key === 'none' ? '' : fmt(p - paper.none)} |`,
    );
  }
  return lines;
}

function robustnessTable(groups, order, attack) {
  const any = [...groups.values()]
    .flatMap((g) => [...g.values()])
    .find((c) => c.robustness.some((r) => r.attack === attack));
  if (any === undefined) return [];
  const run = any.robustness.find((r) => r.attack === attack);
  const eps = run.rows.map((r) => r.eps);
  const lines = [
    `| method | ${eps.map((e) => `δ = ${Math.round(e * 255)}`).join(' | ')} |`,
    `| --- | ${eps.map(() => '---').join(' | ')} |`,
  ];
  for (const key of order) {
    const group = groups.get(key);
    if (group === undefined) continue;
    const cells = seedsOf(group).map((s) => group.get(s));
    const cols = eps.map((_, i) =>
      meanSd(
        cells
          .map((c) => c.robustness.find((r) => r.attack === attack)?.rows[i]?.accuracy)
          .filter((a) => a !== undefined)
          .map((a) => 100 * a),
        1,
      ),
    );
    lines.push(`| ${LABELS[key] ?? key} | ${cols.join(' | ')} |`);
  }
  return [
    `${attack.toUpperCase()} accuracy (%) on the first ${run.numExamples} test images, mean ± sd over seeds:`,
    '',
    ...lines,
  ];
}

const table2 = grouped(cellsIn('cli-table2'));
const table3 = grouped(cellsIn('cli-table3'));
// Fig. 4 ran at its own (smaller) budget, with its own baseline: never mixed with Table 2's cells.
const fig4Cells = cellsIn('cli-fig4');
const fig4 = grouped(fig4Cells);
const baseline = table2.get('none');
const order2 = ['none', 'gaussian 0.03', 'anl 0.03', 'anl -0.03', 'canl 0.03'];
const out = ['# The ANL paper through the `anl` command line (run-cli.sh)', ''];
const example = baseline?.values().next().value;
if (example !== undefined) {
  const s = example.spec;
  out.push(
    `LeNet-5, ${s.data}: first ${example.data.nTrain} training images, ${example.data.nTest} test images; ${s.epochs} epochs, batch ${s.batch}, ${s.optimizer} lr ${s.lr} ×${s.lrDropFactor ?? 0.2} every ${s.lrDropEvery} epochs, noise for the first ${s.noiseEpochs} epochs; backend ${example.env.backend}.`,
    '',
  );
}

out.push('## Table 2: test error (%)', '', ...errorTable(table2, order2, baseline, PAPER_TABLE2), '');

if (table3.size > 0) {
  out.push(
    '## Table 3 protocol: noise for the first half, then off with the learning rate at its minimum',
    '',
    'Same budget as Table 2; differences are to the Table 2 baseline of the same seed (the usual schedule, as the paper trains its baseline).',
    '',
    ...errorTable(table3, ['anl 0.03', 'canl 0.03'], baseline, undefined),
    '',
  );
}

const fig4Rows = ['anl', 'canl'].map((method) => {
  const keys = [...fig4.keys()].filter((k) => k.startsWith(`${method} `) && Number(k.split(' ')[1]) > 0);
  keys.sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]));
  return { method, keys };
});
if (fig4Cells.length > 0) {
  const epsList = [...new Set(fig4Rows.flatMap((r) => r.keys.map((k) => Number(k.split(' ')[1]))))].sort(
    (a, b) => a - b,
  );
  const s = fig4Cells[0].spec;
  out.push(
    '## Fig. 4: test error (%) against eps',
    '',
    `Its own budget: the first ${fig4Cells[0].data.nTrain} training images, ${s.epochs} epochs (lr ×${s.lrDropFactor ?? 0.2} every ${s.lrDropEvery}, noise for the first ${s.noiseEpochs}), seeds in brackets; ± is the binomial standard error of one test error.`,
    '',
    `| method | ${epsList.map((e) => `eps ${e}`).join(' | ')} |`,
    `| --- | ${epsList.map(() => '---').join(' | ')} |`,
  );
  for (const { method, keys } of fig4Rows) {
    const cols = epsList.map((e) => {
      const group = fig4.get(`${method} ${e}`);
      if (group === undefined) return '–';
      const seeds = seedsOf(group);
      const cell = group.get(seeds[0]);
      return seeds.length === 1
        ? `${fmt(errorPct(cell))} ± ${fmt(100 * cell.clean.se)} (${seeds[0]})`
        : `${meanSd(seeds.map((x) => errorPct(group.get(x))))} (${seeds.join(',')})`;
    });
    if (keys.length > 0) out.push(`| ${method.toUpperCase()} | ${cols.join(' | ')} |`);
  }
  const base = fig4.get('none');
  if (base !== undefined) {
    const cell = base.get(seedsOf(base)[0]);
    out.push(
      '',
      `Baseline at this budget: ${fmt(errorPct(cell))} ± ${fmt(100 * cell.clean.se)} (seed ${seedsOf(base)[0]}).`,
    );
  }
  out.push('');
}

out.push('## Robustness curves (Table 2 models, noise layers stripped)', '');
for (const attack of ['fgsm', 'pgd']) {
  const lines = robustnessTable(table2, order2, attack);
  if (lines.length > 0) out.push(...lines, '');
}

if (baseline !== undefined) {
  const matrices = seedsOf(baseline).map((s) => baseline.get(s).gradientSimilarity);
  const first = matrices[0];
  out.push(
    `## Table 1: gradient similarity φ(class 0, class c) at ${first.layer} (baseline models, ${first.samplesPerClass} test samples per class, mean over seeds ${seedsOf(baseline).join(', ')})`,
    '',
    `| | ${PAPER_TABLE1.map((_, c) => `c=${c}`).join(' | ')} |`,
    `| --- | ${PAPER_TABLE1.map(() => '---').join(' | ')} |`,
    `| ours (Fashion-MNIST, after ${baseline.get(seedsOf(baseline)[0]).spec.epochs} epochs) | ${PAPER_TABLE1.map((_, c) => fmt(mean(matrices.map((m) => m.matrix[0][c])))).join(' | ')} |`,
    `| paper (MNIST, 3 epochs) | ${PAPER_TABLE1.map((v) => fmt(v)).join(' | ')} |`,
    '',
  );
}

if (baseline !== undefined) {
  out.push(
    '## Epoch time while the noise is on, relative to the baseline (mean ± sd over seeds)',
    '',
    '**Not a measure of cost**: the cells ran two to five at a time next to other work on 2 cores (load average up to ~18), so these wall-clock ratios mostly measure contention. Clean, interleaved step ratios are in `npm run bench` (ANL ~1.6–1.9×, CANL ~1.0–1.2×).',
    '',
    '| method | ratio | paper (VGG-16, CIFAR-10, GPU) |',
    '| --- | --- | --- |',
  );
  const paperRatio = { 'anl 0.03': 1.93, 'canl 0.03': 1.11 };
  for (const key of order2.slice(1)) {
    const group = table2.get(key);
    if (group === undefined) continue;
    const ratios = seedsOf(group)
      .filter((s) => baseline.has(s))
      .map((s) => noiseOnEpochSeconds(group.get(s)) / noiseOnEpochSeconds(baseline.get(s)));
    out.push(`| ${LABELS[key]} | ${meanSd(ratios)} | ${paperRatio[key] ?? '–'} |`);
  }
  out.push('');
}

writeFileSync(`${RESULTS_DIR}/cli-reproduction.md`, `${out.join('\n')}\n`);
console.log(out.join('\n'));
