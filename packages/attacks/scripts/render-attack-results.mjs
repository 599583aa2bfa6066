#!/usr/bin/env node
/**
 * Merges the per-process result files of attacks-results.mjs into one JSON, and writes the markdown
 * table and the robustness curves (PNG, and SVG with WRITE_SVG=1, through @anl/attacks/node's renderVegaLite).
 *
 *   node packages/attacks/scripts/render-attack-results.mjs packages/attacks/results/fashion-mnist-attacks-{a,b,c}.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderVegaLite, robustnessCurveSpec } from '@anl/attacks/node';

const inputs = process.argv.slice(2);
const outBase = 'packages/attacks/results/fashion-mnist-attacks';
const order = ['baseline', 'anl', 'canl', 'fgsm-at', 'pgd-at', 'pni'];
const names = {
  baseline: 'baseline',
  anl: 'ANL',
  canl: 'CANL',
  'fgsm-at': 'FGSM-AT',
  'pgd-at': 'PGD-AT',
  pni: 'PNI',
};
const parts = inputs.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const merged = { ...parts[0], command: parts.map((p) => p.command), models: {} };
for (const p of parts) Object.assign(merged.models, p.models);
writeFileSync(`${outBase}.json`, `${JSON.stringify(merged, null, 2)}\n`);

const pct = (v) => (v === undefined ? '–' : `${(100 * v).toFixed(1)}`);
const columns = ['clean', 'FGSM', 'PGD-20', 'APGD-CE', 'APGD-T', 'Square', 'AutoAttack'];
const present = order.filter((k) => merged.models[k]);
const lines = [
  `Robust accuracy (%) at L∞ eps ${merged.attacks.eps} on the first ${merged.data.testImages} Fashion-MNIST test images.`,
  '',
  `| model | ${columns.join(' | ')} | flags |`,
  `|---|${columns.map(() => '---:').join('|')}|---|`,
];
for (const k of present) {
  const m = merged.models[k];
  const r = m.attacks.robustAccuracy;
  const flags = [...m.attacks.flags, ...(m.eot?.flags ?? [])].filter((f) => f.flagged).map((f) => f.check);
  lines.push(`| ${names[k]} | ${columns.map((c) => pct(r[c])).join(' | ')} | ${flags.join(', ') || '–'} |`);
}
lines.push('');
for (const k of present) {
  const m = merged.models[k];
  if (m.eot) {
    const entries = Object.entries(m.eot.robustAccuracy).map(([a, v]) => `${a} ${pct(v)} %`);
    lines.push(`EOT (${names[k]}): ${entries.join(', ')}.`);
  }
}
lines.push('', 'Masking checks:', '');
for (const k of present) {
  const m = merged.models[k];
  for (const f of [...m.attacks.flags, ...(m.eot?.flags ?? [])])
    lines.push(`- ${names[k]}: ${f.flagged ? '**flagged**' : 'ok'} — ${f.message}`);
}
writeFileSync(`${outBase}.md`, `${lines.join('\n')}\n`);

const points = [];
for (const k of present) {
  for (const [attack, curve] of Object.entries(merged.models[k].attacks.curves)) {
    for (const p of curve)
      points.push({ model: names[k], attack, eps: p.eps, robustAccuracy: p.robustAccuracy });
  }
}
const { svg, png } = await renderVegaLite(
  robustnessCurveSpec(points, `LeNet-5, Fashion-MNIST (${merged.data.testImages} test images)`),
);
// The SVG stays out of the repository (biome lints SVG files); the PNG is the committed picture.
if (process.env.WRITE_SVG) writeFileSync(`${outBase}-curve.svg`, svg);
writeFileSync(`${outBase}-curve.png`, png);
console.log(lines.join('\n'));
