import { AnlError, invalidArgument } from '@anl/core';
import type { RobustnessReport, RobustnessRow } from './robustness-report';

/** A report with the name of its row in the table (e.g. 'Baseline', 'AT (eps=0.05)'). */
export interface NamedRobustnessReport {
  name: string;
  report: RobustnessReport;
}

function strengthLabel(row: { eps: number; delta?: number }): string {
  return row.delta !== undefined ? String(row.delta) : String(Number(row.eps.toPrecision(4)));
}

/** What the table's cells show: accuracy or error in %, or the activation MSE (needs activationLayer). */
export type RobustnessMetric = 'accuracy' | 'error' | 'activationMse';

function cell(row: RobustnessRow, metric: RobustnessMetric, name: string): string {
  if (metric === 'activationMse') {
    if (row.activationMse === undefined) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `report "${name}" has no activationMse: evaluate with activationLayer`,
        {
          argument: 'options.metric',
        },
      );
    }
    return row.activationMse.toPrecision(3);
  }
  return (100 * row[metric]).toFixed(1);
}

/**
 * Renders accuracy (%) per strength as a plain-text table like the ANL paper's Table 4: one column per
 * delta (or eps), one line per model. Several reports must use the same strengths.
 */
export function formatRobustnessTable(
  reports: RobustnessReport | readonly NamedRobustnessReport[],
  options: { metric?: RobustnessMetric } = {},
): string {
  const metric = options.metric ?? 'accuracy';
  if (metric !== 'accuracy' && metric !== 'error' && metric !== 'activationMse') {
    invalidArgument('options.metric', "'accuracy', 'error' or 'activationMse'", metric);
  }
  const named: readonly NamedRobustnessReport[] = Array.isArray(reports)
    ? reports
    : [{ name: 'model', report: reports as RobustnessReport }];
  if (named.length === 0) return '';
  const first = named[0].report;
  const heading = first.rows.some((r) => r.delta !== undefined)
    ? 'delta'
    : first.attack === 'uniform'
      ? 'a'
      : 'eps';
  const columns = first.rows.map(strengthLabel);
  for (const { name, report } of named) {
    const labels = report.rows.map(strengthLabel);
    if (labels.join('|') !== columns.join('|')) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `reports must share their strengths: "${name}" has [${labels}], expected [${columns}]`,
        { argument: 'reports' },
      );
    }
  }
  const header = [`${first.attack.toUpperCase()} ${heading}`, 'clean', ...columns];
  const lines = named.map(({ name, report }) => [
    name,
    metric === 'activationMse' ? '0' : (100 * report.clean[metric]).toFixed(1),
    ...report.rows.map((r) => cell(r, metric, name)),
  ]);
  const table = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const render = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(header), rule, ...lines.map(render)].join('\n');
}
