// A small line chart as inline SVG: axes with a few ticks, one polyline (with dots) per series, a
// legend. Enough for the page's four charts without a charting library.

export interface Series {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

export interface ChartOptions {
  xLabel: string;
  yLabel: string;
  /** Fixed y range; default: the data's, padded. */
  yRange?: [number, number];
  width?: number;
  height?: number;
}

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { left: 52, right: 12, top: 10, bottom: 38 };

export function lineChart(series: readonly Series[], options: ChartOptions): SVGSVGElement {
  const width = options.width ?? 420;
  const height = options.height ?? 220;
  const svg = element('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart' });
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const [x0, x1] = padded(
    extent(
      all.map((p) => p[0]),
      [0, 1],
    ),
    0,
  );
  const [y0, y1] =
    options.yRange ??
    padded(
      extent(
        all.map((p) => p[1]),
        [0, 1],
      ),
      0.05,
    );
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotH;

  for (const t of ticks(y0, y1)) {
    svg.append(
      element('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: sy(t), y2: sy(t), class: 'grid' }),
    );
    svg.append(text(tickLabel(t), MARGIN.left - 6, sy(t) + 4, 'end'));
  }
  for (const t of ticks(x0, x1)) svg.append(text(tickLabel(t), sx(t), height - MARGIN.bottom + 16, 'middle'));
  svg.append(text(options.xLabel, MARGIN.left + plotW / 2, height - 4, 'middle'));
  const yTitle = text(options.yLabel, 12, MARGIN.top + plotH / 2, 'middle');
  yTitle.setAttribute('transform', `rotate(-90 12 ${MARGIN.top + plotH / 2})`);
  svg.append(yTitle);
  svg.append(element('rect', { x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, class: 'frame' }));

  // The legend sits in the top right corner on a white card, above the lines.
  const legend = element('g', { class: 'legend' });
  const legendWidth = 8 + Math.max(0, ...series.map((s) => 26 + 6.2 * s.name.length));
  legend.append(
    element('rect', {
      x: width - MARGIN.right - legendWidth - 2,
      y: MARGIN.top + 2,
      width: legendWidth,
      height: 6 + 14 * series.length,
      fill: 'white',
      'fill-opacity': 0.85,
    }),
  );
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const group = element('g', { 'data-series': s.name });
    group.append(
      element('polyline', {
        points: pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '),
        fill: 'none',
        stroke: s.color,
        'stroke-width': 2,
        'stroke-dasharray': s.dashed ? '5 3' : 'none',
      }),
    );
    for (const [x, y] of pts)
      group.append(element('circle', { cx: sx(x), cy: sy(y), r: 2.5, fill: s.color }));
    svg.append(group);
    const ly = MARGIN.top + 16 + 14 * i;
    const lx = width - MARGIN.right - legendWidth + 4;
    legend.append(
      element('line', {
        x1: lx,
        x2: lx + 16,
        y1: ly - 4,
        y2: ly - 4,
        stroke: s.color,
        'stroke-width': 2,
        'stroke-dasharray': s.dashed ? '5 3' : 'none',
      }),
    );
    legend.append(text(s.name, lx + 20, ly, 'start'));
  });
  svg.append(legend);
  return svg;
}

function element<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  return el;
}

function text(content: string, x: number, y: number, anchor: 'start' | 'middle' | 'end'): SVGTextElement {
  const el = element('text', { x, y, 'text-anchor': anchor });
  el.textContent = content;
  return el;
}

function extent(values: number[], fallback: [number, number]): [number, number] {
  if (values.length === 0) return fallback;
  return [Math.min(...values), Math.max(...values)];
}

function padded([lo, hi]: [number, number], fraction: number): [number, number] {
  if (hi === lo) return [lo - 0.5 * (Math.abs(lo) || 1), hi + 0.5 * (Math.abs(hi) || 1)];
  const pad = (hi - lo) * fraction;
  return [lo - pad, hi + pad];
}

/** About five round tick values inside [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

function tickLabel(t: number): string {
  return Math.abs(t) >= 1000 ? t.toExponential(0) : String(Number(t.toPrecision(3)));
}
