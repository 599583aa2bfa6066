import { certifiedAccuracyAt } from '../certification';
import type { CellResult } from '../run-cell';
import { type Group, groupCells, type Stat, stat } from './summarise';

const pct = (v: number) => (100 * v).toFixed(2);

/** "10.19 ± 0.41 (sd, 3 seeds)" or, for one seed, "10.19 ± 0.30 (SE)". */
export function formatStat(s: Stat): string {
  return s.sd === undefined ? `${pct(s.mean)} ± ${pct(s.se)}` : `${pct(s.mean)} ± ${pct(s.sd)}`;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Markdown tables: clean test error, robust accuracy per attack, and Table 1's gradient similarity. */
export function formatTables(cells: readonly CellResult[]): string {
  if (cells.length === 0) return 'no cell results\n';
  const groups = groupCells(cells);
  const multiSeed = groups.some((g) => g.seeds.length > 1);
  const note = multiSeed
    ? '± is the standard deviation over seeds (binomial SE where a row has one seed)'
    : "± is the binomial standard error of each rate (the test set's sampling noise; one seed)";
  const parts: string[] = [];
  parts.push(
    `### Clean test error (%)\n\n${table(
      ['method', 'seeds', 'test error %', 'binomial SE', 'test images'],
      groups.map((g) => [
        g.label,
        g.seeds.join(','),
        formatStat(g.cleanError),
        pct(g.cleanError.se),
        String(g.cells[0].clean.nTest),
      ]),
    )}`,
  );
  const attacks = [...new Set(groups.flatMap((g) => g.robustness.map((r) => r.attack)))];
  const headline = headlineEps(groups);
  if (attacks.length > 0 && headline !== undefined) {
    parts.unshift(
      `### Clean error and robust accuracy at eps ${headline} (%)\n\n${table(
        ['method', 'clean test error', ...attacks.map((a) => `${a.toUpperCase()} accuracy`)],
        groups.map((g) => [
          g.label,
          formatStat(g.cleanError),
          ...attacks.map((a) => {
            const r = g.robustness.find((x) => x.attack === a && x.eps === headline);
            return r ? formatStat(r.accuracy) : '—';
          }),
        ]),
      )}`,
    );
  }
  const certified = groups.filter((g) => g.cells.every((c) => c.certification !== undefined));
  if (certified.length > 0) {
    const radii = [0, 0.25, 0.5, 1];
    parts.push(
      `### Certified accuracy of the smoothed model at L2 radius (%)\n\n${table(
        ['method', 'sigma', ...radii.map((r) => `r = ${r}`), 'abstained', 'images'],
        certified.map((g) => {
          const curves = g.cells.map((c) => certifiedAccuracyAt(c.certification?.correctRadii ?? [], radii));
          const c0 = g.cells[0].certification;
          return [
            g.label,
            String(c0?.sigma),
            ...radii.map((_, i) => {
              const values = curves.map((curve) => curve[i]);
              return formatStat(stat(values, c0?.images ?? 1));
            }),
            g.cells.map((c) => c.certification?.abstained).join(', '),
            String(c0?.images),
          ];
        }),
      )}`,
    );
  }
  for (const attack of attacks) {
    const epsList = [
      ...new Set(groups.flatMap((g) => g.robustness.filter((r) => r.attack === attack).map((r) => r.eps))),
    ].sort((a, b) => a - b);
    const n = groups[0].cells[0].robustness.find((r) => r.attack === attack)?.numExamples;
    parts.push(
      `### ${attack.toUpperCase()} accuracy (%) on ${n} test images\n\n${table(
        ['method', ...epsList.map((e) => `eps ${e}`)],
        groups.map((g) => [
          g.label,
          ...epsList.map((e) => {
            const r = g.robustness.find((x) => x.attack === attack && x.eps === e);
            return r ? formatStat(r.accuracy) : '—';
          }),
        ]),
      )}`,
    );
  }
  const sim = groups.filter((g) => g.cells[0].gradientSimilarity !== undefined);
  if (sim.length > 0) {
    const k = sim[0].cells[0].gradientSimilarity!.matrix.length;
    parts.push(
      `### Gradient similarity φ(class 0, class c) at the first noise layer (Eq. 5; ANL Table 1)\n\n${table(
        ['method', ...Array.from({ length: k }, (_, c) => `c=${c}`)],
        sim.map((g) => [g.label, ...meanSimilarity(g)[0].map((v) => v.toFixed(2))]),
      )}`,
    );
  }
  return `${parts.join('\n\n')}\n\n${note}.\n`;
}

/** The attack eps shown next to the clean error: the one closest to 8/255, the usual budget on [0, 1] pixels. */
export function headlineEps(groups: readonly Group[]): number | undefined {
  const eps = [...new Set(groups.flatMap((g) => g.robustness.map((r) => r.eps)))].filter((e) => e > 0);
  if (eps.length === 0) return undefined;
  return eps.reduce((best, e) => (Math.abs(e - 8 / 255) < Math.abs(best - 8 / 255) ? e : best));
}

/** The similarity matrix averaged over a group's seeds. */
export function meanSimilarity(g: Group): number[][] {
  const mats = g.cells
    .map((c) => c.gradientSimilarity?.matrix)
    .filter((m): m is number[][] => m !== undefined);
  return mats[0].map((row, a) => row.map((_, b) => mats.reduce((s, m) => s + m[a][b], 0) / mats.length));
}
