// results/defences_*.json (from defences-table.mjs) -> results/defences-table.md: one row per defence,
// mean ± sd over seeds (sd only with 2+ seeds), next to the paper figures we can source.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { RESULTS_DIR } from './lib/common.mjs';

const ORDER = [
  'baseline',
  'anl',
  'canl',
  'pni-a',
  'pni-w',
  'fgsm-at',
  'fast-at',
  'pgd-at',
  'trades',
  'gaussian-smoothing',
];
const LABELS = {
  baseline: 'Baseline (no defence)',
  anl: 'ANL (eps 0.03)',
  canl: 'CANL (eps 0.03)',
  'pni-a': 'PNI-A channel-wise + PGD-AT',
  'pni-w': 'PNI-W channel-wise + PGD-AT',
  'fgsm-at': 'FGSM-AT (eps 0.1)',
  'fast-at': 'Fast-AT (eps 0.1, step 1.25·eps)',
  'pgd-at': 'PGD-AT (eps 0.1, 7 steps)',
  trades: 'TRADES (beta 6, eps 0.1, 7 steps)',
  'gaussian-smoothing': 'Gaussian augmentation σ 0.5 (+ smoothing)',
};
/** Paper figures we can source (SPEC.md and issue 12's text); ResNet-20 / CIFAR-10, PGD eps 8/255: not comparable in setting. */
const PAPER = {
  'pni-w':
    'PNI paper, accuracy %: layer-wise 84.89 clean / 45.94 PGD (SPEC.md); channel-wise 85.17 / 48.40 (issue 12)',
  'pgd-at': 'PNI paper, accuracy %: vanilla PGD-AT 83.84 clean / 39.14 PGD (SPEC.md)',
};

const files = readdirSync(RESULTS_DIR).filter((f) => /^defences_.*_s\d+\.json$/.test(f));
const all = files.map((f) => JSON.parse(readFileSync(`${RESULTS_DIR}/${f}`, 'utf8')));
// The main table: runs without a --tag; tagged runs (e.g. _strong: a stronger attack) are listed apart.
const results = all.filter((r) => r.name === `defences_${r.row}_s${r.seed}`);
const tagged = all.filter((r) => r.name !== `defences_${r.row}_s${r.seed}`);
const byRow = new Map();
for (const r of results) byRow.set(r.row, [...(byRow.get(r.row) ?? []), r]);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) =>
  xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)) : undefined;
const pct = (xs) => {
  const s = sd(xs);
  return `${(100 * mean(xs)).toFixed(1)}${s === undefined ? '' : ` ± ${(100 * s).toFixed(1)}`}`;
};
/** Training CPU time of each seed's run over the same seed's baseline, averaged over seeds. */
function timeRatio(list) {
  const base = new Map((byRow.get('baseline') ?? []).map((b) => [b.seed, b.train.cpuSeconds]));
  const ratios = list.filter((r) => base.has(r.seed)).map((r) => r.train.cpuSeconds / base.get(r.seed));
  return ratios.length === 0 ? '—' : `${mean(ratios).toFixed(1)}×`;
}

const rows = [];
for (const row of ORDER) {
  const list = (byRow.get(row) ?? []).sort((a, b) => a.seed - b.seed);
  if (list.length === 0) continue;
  const aa = list.map((r) => r.autoAttack.robustAccuracy);
  const cert = (radius) =>
    list[0].certification === null
      ? '—'
      : pct(list.map((r) => r.certification.curve.find((p) => p.radius === radius).accuracy));
  rows.push(
    `| ${LABELS[row]} | ${list.map((r) => r.seed).join(',')} | ${pct(list.map((r) => r.clean.error))} | ${pct(aa)}${list[0].autoAttack.version === 'rand' ? ' (rand, EOT)' : ''} | ${timeRatio(list)} | ${cert(0)} | ${cert(0.25)} | ${cert(0.5)} | ${cert(1)} | ${PAPER[row] ?? '—'} |`,
  );
}
const b = results[0]?.budget;
const budget =
  b === undefined
    ? ''
    : `LeNet-5 (61,706 parameters), first ${b.trainImages} Fashion-MNIST training images, ${b.epochs} epochs, batch ${b.batchSize}, ${b.optimizer}, the same for every row. ` +
      `Clean error on all 10,000 test images (PNI: noise on, one draw). AutoAttack at L∞ eps ${b.autoAttack.eps} on the first ${b.attackImages} test images ` +
      `(APGD ${b.autoAttack.steps} steps, Square ${b.autoAttack.queries} queries; 'rand' version with EOT over ${b.autoAttack.eot} draws for the stochastic PNI models). ` +
      `Smoothing: CERTIFY with σ ${b.smoothing.sigma}, n0 ${b.smoothing.n0}, n ${b.smoothing.n}, alpha ${b.smoothing.alpha} on the first ${b.certifyImages} test images.`;
const md = `## Defences on Fashion-MNIST (LeNet-5)

${budget}

| defence | seeds | clean error % | AutoAttack robust accuracy % (eps 0.1) | training CPU time vs baseline | certified acc. % r = 0 | r = 0.25 | r = 0.5 | r = 1.0 | paper (ResNet-20 / CIFAR-10, not comparable) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

The smoothing row's clean error and AutoAttack are those of its base classifier (deterministic, trained on x + N(0, 0.5²), unclipped); its certified accuracy is the smoothed classifier's (an abstention counts as wrong; r = 0 is the smoothed classifier's accuracy). Training time is CPU seconds of the training loop (process.cpuUsage) over the same seed's baseline; wall times on the shared machine were 3–10× longer. ± is the standard deviation over seeds. Robust accuracy is on ${b?.attackImages ?? '?'} images (binomial SE up to ~2.2 points); certified accuracy on ${b?.certifyImages ?? '?'} (up to ~3.5 points).
`;
const checks = tagged
  .sort((x, y) => x.name.localeCompare(y.name))
  .map((r) => {
    const a = r.budget.autoAttack;
    const main = results.find((m) => m.row === r.row && m.seed === r.seed);
    return `| ${LABELS[r.row]} | ${r.seed} | ${r.autoAttack.version}${r.autoAttack.version === 'rand' ? `, EOT ${a.eot}` : ''}, APGD ${a.steps} steps, first ${r.budget.attackImages} images | ${(100 * r.autoAttack.robustAccuracy).toFixed(1)} | ${main === undefined ? '—' : `${(100 * main.autoAttack.robustAccuracy).toFixed(1)} (${main.autoAttack.version}${main.autoAttack.version === 'rand' ? `, EOT ${main.budget.autoAttack.eot}` : ''}, ${main.budget.autoAttack.steps} steps, ${main.budget.attackImages} images)`} | ${(100 * r.clean.error).toFixed(1)} |`;
  });
const checkMd =
  checks.length === 0
    ? ''
    : `
### A stronger attack on a retrained copy (same seed, same budget)

| defence | seed | AutoAttack | robust accuracy % | the table's run | clean error % |
| --- | --- | --- | --- | --- | --- |
${checks.join('\n')}
`;
writeFileSync(`${RESULTS_DIR}/defences-table.md`, md + checkMd);
process.stdout.write(md + checkMd);
