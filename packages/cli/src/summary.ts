import type { CellResult } from './run-cell';

const pct = (v: number) => (100 * v).toFixed(2);

/** A few human lines about one finished cell. */
export function formatCellSummary(r: CellResult): string {
  const lines = [
    `${r.id}: test error ${pct(r.clean.error)} % ± ${pct(r.clean.se)} (binomial SE, ${r.clean.nTest} test images), trained in ${r.train.seconds.toFixed(0)} s on ${r.env.backend}`,
  ];
  for (const a of r.robustness) {
    lines.push(
      `  ${a.attack} accuracy (${a.numExamples} images): ${a.rows.map((row) => `eps ${row.eps}: ${pct(row.accuracy)} ± ${pct(row.se)} %`).join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
