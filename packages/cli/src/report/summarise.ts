// Cells grouped by everything but the seed, with mean ± sd over seeds: what the tables and plots show.
import { baselineMethod } from '../methods';
import type { CellResult } from '../run-cell';

export interface Stat {
  mean: number;
  /** Sample standard deviation over seeds (n - 1); undefined for one seed. */
  sd?: number;
  n: number;
  /** Binomial standard error of one measurement at the mean (the test set's own noise). */
  se: number;
}

export interface Group {
  key: string;
  /** e.g. anl 0.03, or the baseline's name (with the model when the sweep has several). */
  label: string;
  model: string;
  method: string;
  eps?: number;
  seeds: number[];
  cells: CellResult[];
  cleanError: Stat;
  /** attack → eps → accuracy over seeds. */
  robustness: { attack: string; eps: number; accuracy: Stat }[];
}

export function stat(values: readonly number[], nExamples: number): Stat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : undefined;
  return { mean, sd, n, se: Math.sqrt((mean * (1 - mean)) / nExamples) };
}

export function groupCells(cells: readonly CellResult[]): Group[] {
  const models = new Set(cells.map((c) => c.spec.model));
  const map = new Map<string, CellResult[]>();
  for (const c of cells) {
    const key = `${c.spec.model}|${c.spec.method}|${c.spec.eps ?? ''}${variantOf(c)}`;
    map.set(key, [...(map.get(key) ?? []), c]);
  }
  // The baseline first, then by model, method and eps.
  const order = (c: CellResult) =>
    [c.spec.method === baselineMethod ? 0 : 1, c.spec.model, c.spec.method, c.spec.eps ?? 0] as const;
  const entries = [...map.entries()].sort(([, a], [, b]) => {
    const [x, y] = [order(a[0]), order(b[0])];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
  return entries.map(([key, list]) => {
    const { model, method, eps } = list[0].spec;
    const label = `${models.size > 1 ? `${model} ` : ''}${method}${eps === undefined ? '' : ` ${eps}`}${variantOf(list[0])}`;
    const robustness: Group['robustness'] = [];
    for (const a of list[0].robustness) {
      for (const row of a.rows) {
        const values = list.flatMap((c) =>
          c.robustness
            .filter((r) => r.attack === a.attack)
            .flatMap((r) => r.rows.filter((x) => x.eps === row.eps).map((x) => x.accuracy)),
        );
        robustness.push({ attack: a.attack, eps: row.eps, accuracy: stat(values, a.numExamples) });
      }
    }
    return {
      key,
      label,
      model,
      method,
      eps,
      seeds: list.map((c) => c.spec.seed).sort((a, b) => a - b),
      cells: list,
      cleanError: stat(
        list.map((c) => c.clean.error),
        list[0].clean.nTest,
      ),
      robustness,
    };
  });
}

/** What sets cells of one method and eps apart beyond the seed: Gaussian augmentation, the method's own options. */
function variantOf(c: CellResult): string {
  const own = c.spec.methodOptions?.[c.spec.method];
  const options = own === undefined ? '' : ` ${JSON.stringify(own)}`;
  const gauss = c.spec.gaussianAugmentation === undefined ? '' : ` +gauss σ=${c.spec.gaussianAugmentation}`;
  return `${gauss}${options}`;
}
