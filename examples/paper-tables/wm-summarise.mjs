// Collect results/wm_<variant>_s<seed>.json (from wm-table.mjs) into results/wm-table.md: clean test
// error and error under uniform input noise, mean over the seeds found, next to the WM paper's
// Table 2 (MNIST clean test error; its noise results are only plotted, Fig. 2a).
//
//   node wm-summarise.mjs
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { RESULTS_DIR } from './lib/common.mjs';

const VARIANTS = [
  { variant: 'conv', label: 'CNN 33-33-8 (valid 3x3 convs)', paper: '0.85 ± 0.11' },
  { variant: 'smoothing', label: 'Smoothing WM 32-32-8', paper: '0.79 ± 0.03' },
  { variant: 'unsharp', label: 'Unsharp WM 32-32-8', paper: '0.73 ± 0.03' },
];

const runs = readdirSync(RESULTS_DIR)
  .filter((f) => /^wm_(conv|smoothing|unsharp)_s\d+\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(`${RESULTS_DIR}/${f}`, 'utf8')));
if (runs.length === 0) {
  console.error('no results/wm_*.json yet: run wm-table.mjs first');
  process.exit(2);
}
const levels = runs[0].uniformNoise.rows.map((r) => r.eps);
const pct = (x) => (x * 100).toFixed(2);
const meanOf = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cell = (xs) =>
  xs.length === 0 ? '—' : xs.length === 1 ? pct(xs[0]) : `${pct(meanOf(xs))} (${xs.map(pct).join(', ')})`;

const lines = [
  '# WM comparison on Fashion-MNIST (WM paper Table 1 skeletons)',
  '',
  `Test error % (mean over seeds; per-seed values in brackets). Uniform noise: x + U(0, a), renormalised`,
  `into [0, 1] by the linear map of [0, 1 + a] (\`uniformNoise\`, 'range'), 3 draws averaged.`,
  '',
  `| Model | params | seeds | clean | ${levels.map((a) => `a = ${a}`).join(' | ')} | paper (MNIST, clean) |`,
  `|---|---|---|---|${levels.map(() => '---').join('|')}|---|`,
];
for (const { variant, label, paper } of VARIANTS) {
  const mine = runs.filter((r) => r.variant === variant).sort((a, b) => a.seed - b.seed);
  if (mine.length === 0) {
    lines.push(`| ${label} | — | 0 | not run | ${levels.map(() => '—').join(' | ')} | ${paper} |`);
    continue;
  }
  const noisy = levels.map((a) =>
    cell(mine.map((r) => r.uniformNoise.rows.find((row) => row.eps === a).error)),
  );
  lines.push(
    `| ${label} | ${mine[0].params.toLocaleString('en')} | ${mine.map((r) => r.seed).join(', ')} | ${cell(mine.map((r) => r.uniformNoise.clean.error))} | ${noisy.join(' | ')} | ${paper} |`,
  );
}
const r0 = runs[0];
lines.push(
  '',
  `Budget (every row the same): ${r0.trainImages.toLocaleString('en')} training images, ${r0.epochs} epochs, batch ${r0.batchSize}, ${r0.optimizer}; ` +
    `${r0.testImages.toLocaleString('en')} test images; ${r0.backend}. No data augmentation (the paper: random crops), no pooling (as the paper).`,
  `Training seconds per run: ${runs.map((r) => `${r.name} ${r.epochSeconds.reduce((a, b) => a + b, 0).toFixed(0)}`).join(', ')} (shared, heavily loaded 2-core machine: compare within a run only).`,
  '',
);
writeFileSync(`${RESULTS_DIR}/wm-table.md`, `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
