// Everything the page draws from a run's numbers: charts, tables, feature maps, the gallery. Each
// function replaces its element's content, so redrawing after a checkpoint is one call.
import { FASHION_MNIST_CLASSES } from './fashion-mnist';
import type { FeatureMaps } from './feature-maps';
import { grayCanvas, valueRange } from './image-canvas';
import { type CurvePoint, GALLERY_EPS, type GalleryColumn } from './robustness';
import { lineChart, type Series } from './svg-chart';
import type { Checkpoint } from './train-run';

/** One trained model's run as the page shows it. */
export interface RunView {
  label: string;
  color: string;
  dashed: boolean;
  checkpoints: Checkpoint[];
  epochSeconds: number[];
  siteNames: string[];
  features?: FeatureMaps;
  curve?: CurvePoint[];
}

const LAYER_COLORS = ['#d95f02', '#1b9e77', '#7570b3', '#e7298a'];

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page element #${id} is missing`);
  return el as T;
}

export function clearResults(): void {
  for (const id of ['loss-chart', 'error-chart', 'std-chart', 'std-table', 'feature-maps', 'curve-chart']) {
    byId(id).replaceChildren();
  }
  byId('curve-table').replaceChildren();
  byId('gallery').replaceChildren();
  byId('gallery-note').textContent = '';
  byId('progress-table').querySelector('tbody')?.replaceChildren();
}

export function drawTraining(runs: readonly RunView[]): void {
  const series = (pick: (c: Checkpoint) => number): Series[] =>
    runs.map((r) => ({
      name: r.label,
      color: r.color,
      dashed: r.dashed,
      points: r.checkpoints.map((c) => [c.epoch, pick(c)] as const),
    }));
  byId('loss-chart').replaceChildren(
    lineChart(
      series((c) => c.loss),
      { xLabel: 'epoch', yLabel: 'training loss' },
    ),
  );
  byId('error-chart').replaceChildren(
    lineChart(
      series((c) => 100 * c.testError),
      { xLabel: 'epoch', yLabel: 'test error (%)' },
    ),
  );
  const body = byId('progress-table').querySelector('tbody')!;
  body.replaceChildren(
    ...runs.flatMap((r) =>
      r.checkpoints
        .filter((c) => Number.isInteger(c.epoch) && c.epoch > 0)
        .map((c) =>
          row(
            { 'data-model': r.label, 'data-epoch': c.epoch },
            [r.label, String(c.epoch)],
            [
              cell(c.loss.toFixed(4), { class: 'loss', 'data-value': c.loss }),
              cell(`${(100 * c.testError).toFixed(1)} %`, { class: 'test-error', 'data-value': c.testError }),
              cell(seconds(r.epochSeconds[c.epoch - 1]), {
                class: 'epoch-seconds',
                'data-value': r.epochSeconds[c.epoch - 1] ?? '',
              }),
            ],
          ),
        ),
    ),
  );
}

export function drawLayerStd(runs: readonly RunView[]): void {
  const series: Series[] = runs.flatMap((r) =>
    r.siteNames.map((site, i) => ({
      name: `${r.label}: ${site}`,
      color: LAYER_COLORS[i % LAYER_COLORS.length],
      dashed: r.dashed,
      points: r.checkpoints.map((c) => [c.epoch, c.layerStd[i]] as const),
    })),
  );
  byId('std-chart').replaceChildren(
    lineChart(series, { xLabel: 'epoch', yLabel: 's(h)', width: 560, height: 240 }),
  );
  const sites = runs[0]?.siteNames ?? [];
  const header = row({}, ['noise layer input', ...runs.map((r) => `${r.label}, latest s(h)`)], [], 'th');
  const rows = sites.map((site, i) =>
    row(
      { 'data-layer': site },
      [site],
      runs.map((r) => {
        const v = r.checkpoints.at(-1)?.layerStd[i] ?? Number.NaN;
        return cell(v.toFixed(4), { 'data-model': r.label, 'data-value': v });
      }),
    ),
  );
  byId('std-table').replaceChildren(header, ...rows);
}

export function drawFeatureMaps(runs: readonly RunView[]): void {
  byId('feature-maps').replaceChildren(
    ...runs.flatMap((r) => {
      const f = r.features;
      if (f === undefined) return [];
      const line = document.createElement('div');
      line.className = 'maps';
      const name = document.createElement('span');
      name.textContent = r.label;
      line.append(name);
      for (let k = 0; k < f.count; k++) {
        const offset = k * f.width * f.height;
        line.append(
          grayCanvas(
            f.values,
            offset,
            f.width,
            f.height,
            valueRange(f.values, offset, f.width * f.height),
            2,
          ),
        );
      }
      const note = document.createElement('p');
      note.className = 'note';
      note.textContent = `${r.label}: ${f.what}; each map on its own grey scale.`;
      return [line, note];
    }),
  );
}

export function drawCurves(runs: readonly RunView[], attack: string): void {
  const done = runs.filter((r) => r.curve !== undefined);
  byId('curve-chart').replaceChildren(
    lineChart(
      done.map((r) => ({
        name: r.label,
        color: r.color,
        dashed: r.dashed,
        points: r.curve!.map((p) => [p.eps, 100 * p.accuracy] as const),
      })),
      {
        xLabel: `${attack.toUpperCase()} ε (pixels in [0, 1])`,
        yLabel: 'test accuracy (%)',
        yRange: [0, 100],
      },
    ),
  );
  const eps = done[0]?.curve?.map((p) => p.eps) ?? [];
  const header = row({}, ['ε', 'ε × 255', ...done.map((r) => `${r.label} accuracy`)], [], 'th');
  const rows = eps.map((e, i) =>
    row(
      { 'data-eps': e },
      [String(e), (255 * e).toFixed(1)],
      done.map((r) => {
        const a = r.curve![i].accuracy;
        return cell(`${(100 * a).toFixed(1)} %`, { 'data-model': r.label, 'data-accuracy': a });
      }),
    ),
  );
  byId('curve-table').replaceChildren(header, ...rows);
}

export function drawGallery(
  test: { xs: Float32Array; labels: Int32Array },
  columns: readonly { label: string; column: GalleryColumn }[],
  attack: string,
): void {
  byId('gallery-note').textContent =
    `${attack.toUpperCase()} at ε = ${GALLERY_EPS} against each model (white-box); perturbation ` +
    'amplified: mid-grey is 0, black and white are ∓ε. Prediction: clean → adversarial.';
  const header = row(
    {},
    ['original', ...columns.flatMap((c) => [`${c.label}: perturbation`, 'adversarial', 'prediction'])],
    [],
    'th',
  );
  const pixels = 28 * 28;
  const rows = Array.from(test.labels, (label, k) => {
    const tr = row({ 'data-class': label }, [], []);
    tr.append(figure(grayCanvas(test.xs, k * pixels, 28, 28, [0, 1]), FASHION_MNIST_CLASSES[label]));
    for (const { column } of columns) {
      tr.append(
        figure(grayCanvas(column.perturbation, k * pixels, 28, 28, [-GALLERY_EPS, GALLERY_EPS])),
        figure(grayCanvas(column.adversarial, k * pixels, 28, 28, [0, 1])),
      );
      const clean = column.cleanPrediction[k];
      const adv = column.adversarialPrediction[k];
      const td = document.createElement('td');
      td.className = 'prediction';
      td.append(verdict(clean, label), document.createTextNode(' → '), verdict(adv, label));
      tr.append(td);
    }
    return tr;
  });
  byId('gallery').replaceChildren(header, ...rows);
}

function verdict(predicted: number, label: number): HTMLElement {
  const span = document.createElement('span');
  span.className = predicted === label ? 'right' : 'wrong';
  span.textContent = FASHION_MNIST_CLASSES[predicted] ?? String(predicted);
  return span;
}

function figure(canvas: HTMLCanvasElement, caption?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.append(canvas);
  if (caption !== undefined) {
    td.append(document.createElement('br'), document.createTextNode(caption));
  }
  return td;
}

function row(
  attributes: Record<string, string | number>,
  texts: readonly string[],
  cells: readonly HTMLTableCellElement[],
  tag: 'td' | 'th' = 'td',
): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const [k, v] of Object.entries(attributes)) tr.setAttribute(k, String(v));
  for (const t of texts) {
    const c = document.createElement(tag);
    c.textContent = t;
    tr.append(c);
  }
  tr.append(...cells);
  return tr;
}

function cell(text: string, attributes: Record<string, string | number>): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  for (const [k, v] of Object.entries(attributes)) td.setAttribute(k, String(v));
  return td;
}

function seconds(s: number | undefined): string {
  return s === undefined ? '' : `${s.toFixed(1)} s`;
}
