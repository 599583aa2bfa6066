// The report's plots as Vega-Lite specs built from grouped cell results. Each returns undefined when
// the cells hold nothing for it (e.g. no attacks were run).
import { certifiedAccuracyAt } from '../certification';
import type { Group } from './summarise';
import { meanSimilarity } from './tables';

export interface Plot {
  name: string;
  title: string;
  caption: string;
  spec: Record<string, unknown>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const base = {
  $schema: SCHEMA,
  background: 'white',
  config: { font: 'DejaVu Sans', view: { stroke: '#ddd' } },
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Test error and training loss per epoch, averaged over seeds. */
function trainingCurves(groups: Group[]): Plot | undefined {
  const values: Record<string, unknown>[] = [];
  for (const g of groups) {
    const epochs = g.cells[0].train.epochs.length;
    for (let e = 0; e < epochs; e++) {
      const at = g.cells.map((c) => c.train.epochs[e]).filter((x) => x !== undefined);
      values.push({
        method: g.label,
        epoch: e + 1,
        metric: 'test error (%)',
        value: 100 * mean(at.map((x) => x.testError)),
      });
      values.push({
        method: g.label,
        epoch: e + 1,
        metric: 'training loss',
        value: mean(at.map((x) => x.loss)),
      });
    }
  }
  if (values.length === 0) return undefined;
  return {
    name: 'training-curves',
    title: 'Training curves',
    caption: 'Test error and training loss after every epoch (mean over seeds).',
    spec: {
      ...base,
      data: { values },
      facet: { column: { field: 'metric', type: 'nominal', title: null } },
      spec: {
        width: 260,
        height: 180,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
          y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: null },
          color: { field: 'method', type: 'nominal', sort: groups.map((g) => g.label) },
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

/** ANL Fig. 2: std of each noise layer's activations per epoch (first seed of each method). */
function activationStd(groups: Group[]): Plot | undefined {
  const values: Record<string, unknown>[] = [];
  for (const g of groups) {
    const c = g.cells[0];
    for (const p of c.activationStd.perEpoch) {
      p.std.forEach((s, i) => {
        values.push({
          method: g.label,
          layer: `${i + 1}: ${c.activationStd.layers[i]}`,
          epoch: p.epoch,
          std: s,
        });
      });
    }
  }
  if (values.length === 0) return undefined;
  return {
    name: 'activation-std',
    title: 'Activation std per noise layer (ANL Fig. 2)',
    caption:
      "Standard deviation of each noise layer's input activations on 256 test images, before training (epoch 0) and after each epoch.",
    spec: {
      ...base,
      data: { values },
      facet: { column: { field: 'method', type: 'nominal', title: null, sort: groups.map((g) => g.label) } },
      spec: {
        width: 200,
        height: 160,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
          y: { field: 'std', type: 'quantitative', title: 'activation std' },
          color: { field: 'layer', type: 'nominal', title: 'noise layer' },
        },
      },
    },
  };
}

/** ANL Fig. 3: the input image and sigmoid(first conv) per channel, one row per method. */
function featureMaps(groups: Group[]): Plot | undefined {
  const values: Record<string, unknown>[] = [];
  let panelOrder: string[] = [];
  for (const g of groups) {
    const f = g.cells[0].featureMaps;
    if (f === undefined) continue;
    const panels: [string, number[][]][] = [
      ['input', f.image],
      ...f.maps.map((m, i): [string, number[][]] => [`channel ${i + 1}`, m]),
    ];
    if (panels.length > panelOrder.length) panelOrder = panels.map(([p]) => p);
    for (const [panel, grid] of panels) {
      grid.forEach((row, y) => {
        row.forEach((v, x) => {
          values.push({ method: g.label, panel, x, y, v });
        });
      });
    }
  }
  if (values.length === 0) return undefined;
  return {
    name: 'feature-maps',
    title: 'First-layer feature maps through a sigmoid (ANL Fig. 3)',
    caption:
      "The first test image and the first convolution's output for it through a sigmoid, per channel (noise layers are off at inference), for each method.",
    spec: {
      ...base,
      data: { values },
      facet: {
        row: { field: 'method', type: 'nominal', title: null, sort: groups.map((g) => g.label) },
        column: { field: 'panel', type: 'nominal', title: null, sort: panelOrder },
      },
      spec: {
        width: 84,
        height: 84,
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x', type: 'ordinal', axis: null },
          y: { field: 'y', type: 'ordinal', axis: null },
          color: {
            field: 'v',
            type: 'quantitative',
            scale: { scheme: 'greys', domain: [0, 1], reverse: true },
            legend: null,
          },
        },
      },
      spacing: 4,
    },
  };
}

/** ANL Fig. 4: clean test error against the training eps, per method; the baseline as a rule. */
function errorVsEps(groups: Group[]): Plot | undefined {
  const noisy = groups.filter((g) => g.eps !== undefined);
  if (noisy.length === 0) return undefined;
  const values = noisy.map((g) => ({
    method: `${g.model === groups[0].model ? '' : `${g.model} `}${g.method}`,
    eps: g.eps,
    error: 100 * g.cleanError.mean,
    lo: 100 * (g.cleanError.mean - (g.cleanError.sd ?? g.cleanError.se)),
    hi: 100 * (g.cleanError.mean + (g.cleanError.sd ?? g.cleanError.se)),
  }));
  const baseline = groups
    .filter((g) => g.eps === undefined)
    .map((g) => ({ method: g.label, error: 100 * g.cleanError.mean }));
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'eps', type: 'quantitative', title: 'training eps', axis: { format: '~g' } },
        y: { field: 'error', type: 'quantitative', title: 'test error (%)', scale: { zero: false } },
        color: { field: 'method', type: 'nominal' },
      },
    },
    {
      mark: { type: 'rule' },
      encoding: {
        x: { field: 'eps', type: 'quantitative' },
        y: { field: 'lo', type: 'quantitative' },
        y2: { field: 'hi' },
        color: { field: 'method', type: 'nominal' },
      },
    },
  ];
  if (baseline.length > 0) {
    layers.push({
      data: { values: baseline },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'black' },
      encoding: { y: { field: 'error', type: 'quantitative' } },
    });
  }
  return {
    name: 'error-vs-eps',
    title: 'Test error against eps (ANL Fig. 4)',
    caption:
      'Clean test error of each noise method against its training eps (bars: sd over seeds, or the binomial SE for one seed); dashed: the baseline.',
    spec: { ...base, width: 380, height: 240, data: { values }, layer: layers },
  };
}

/** ANL Table 1 as a matrix: mean cosine similarity of per-sample gradients between classes (Eq. 5). */
function gradientSimilarity(groups: Group[]): Plot | undefined {
  const values: Record<string, unknown>[] = [];
  for (const g of groups) {
    if (g.cells[0].gradientSimilarity === undefined) continue;
    meanSimilarity(g).forEach((row, a) => {
      row.forEach((v, b) => {
        values.push({ method: g.label, a, b, sim: v });
      });
    });
  }
  if (values.length === 0) return undefined;
  return {
    name: 'gradient-similarity',
    title: 'Per-class gradient cosine similarity (Eq. 5, ANL Table 1)',
    caption:
      'Mean cosine similarity of per-sample loss gradients at the first noise layer between samples of class a and class b (20 test images per class, pairs i ≠ j), after training.',
    spec: {
      ...base,
      data: { values },
      facet: { column: { field: 'method', type: 'nominal', title: null, sort: groups.map((g) => g.label) } },
      spec: {
        width: 260,
        height: 260,
        layer: [
          {
            mark: 'rect',
            encoding: {
              x: { field: 'b', type: 'ordinal', title: 'class b' },
              y: { field: 'a', type: 'ordinal', title: 'class a' },
              color: {
                field: 'sim',
                type: 'quantitative',
                scale: { scheme: 'redblue', domain: [-1, 1], reverse: true },
                title: 'φ',
              },
            },
          },
          {
            mark: { type: 'text', fontSize: 7 },
            encoding: {
              x: { field: 'b', type: 'ordinal' },
              y: { field: 'a', type: 'ordinal' },
              text: { field: 'sim', type: 'quantitative', format: '.2f' },
            },
          },
        ],
      },
    },
  };
}

/** Robust accuracy against the attack's eps, per method, one panel per attack. */
function robustness(groups: Group[]): Plot | undefined {
  const values = groups.flatMap((g) =>
    g.robustness.map((r) => ({
      method: g.label,
      attack: r.attack.toUpperCase(),
      eps: r.eps,
      accuracy: 100 * r.accuracy.mean,
      lo: 100 * (r.accuracy.mean - (r.accuracy.sd ?? r.accuracy.se)),
      hi: 100 * (r.accuracy.mean + (r.accuracy.sd ?? r.accuracy.se)),
    })),
  );
  if (values.length === 0) return undefined;
  return {
    name: 'robustness',
    title: 'Robust accuracy against attack eps',
    caption:
      'Accuracy under each attack at each eps (pixels in [0, 1]); bars: sd over seeds, or the binomial SE for one seed.',
    spec: {
      ...base,
      data: { values },
      facet: { column: { field: 'attack', type: 'nominal', title: null } },
      spec: {
        width: 260,
        height: 200,
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'eps', type: 'quantitative', title: 'attack eps' },
              y: {
                field: 'accuracy',
                type: 'quantitative',
                title: 'accuracy (%)',
                scale: { domain: [0, 100] },
              },
              color: { field: 'method', type: 'nominal', sort: groups.map((g) => g.label) },
            },
          },
          {
            mark: 'rule',
            encoding: {
              x: { field: 'eps', type: 'quantitative' },
              y: { field: 'lo', type: 'quantitative' },
              y2: { field: 'hi' },
              color: { field: 'method', type: 'nominal', sort: groups.map((g) => g.label) },
            },
          },
        ],
      },
    },
  };
}

/** Cohen et al.'s Fig.: certified accuracy against L2 radius of the smoothed models (mean over seeds). */
function certifiedAccuracy(groups: Group[]): Plot | undefined {
  const certified = groups.filter((g) => g.cells.every((c) => c.certification !== undefined));
  if (certified.length === 0) return undefined;
  const all = certified.flatMap((g) => g.cells.flatMap((c) => c.certification?.correctRadii ?? []));
  const top = Math.max(0.25, ...all);
  const radii = Array.from({ length: CURVE_POINTS + 1 }, (_, i) => (top * i) / CURVE_POINTS);
  const values = certified.flatMap((g) => {
    const curves = g.cells.map((c) => certifiedAccuracyAt(c.certification?.correctRadii ?? [], radii));
    const sigma = g.cells[0].certification?.sigma;
    return radii.map((radius, i) => ({
      method: `${g.label} (σ=${sigma})`,
      radius,
      accuracy: 100 * mean(curves.map((curve) => curve[i])),
    }));
  });
  const c = certified[0].cells[0].certification;
  return {
    name: CERTIFIED_ACCURACY_PLOT,
    title: 'Certified accuracy against L2 radius (randomised smoothing)',
    caption: `Fraction of the first ${c?.images} test images the smoothed classifier certifies correct with at least this L2 radius (CERTIFY, n0 = ${c?.n0}, n = ${c?.n}, alpha = ${c?.alpha}; abstentions count as wrong; mean over seeds).`,
    spec: {
      ...base,
      width: 380,
      height: 240,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'radius', type: 'quantitative', title: 'L2 radius' },
        y: {
          field: 'accuracy',
          type: 'quantitative',
          title: 'certified accuracy (%)',
          scale: { domain: [0, 100] },
        },
        color: { field: 'method', type: 'nominal' },
      },
    },
  };
}

/** Radii at which the certified-accuracy curve is evaluated (the step function is exact between them). */
const CURVE_POINTS = 200;

/** The certified-accuracy plot's name (drawn only when cells carry certificates: --certify). */
export const CERTIFIED_ACCURACY_PLOT = 'certified-accuracy';

/** Every plot the cells have data for, in report order. */
export function buildPlots(groups: Group[]): Plot[] {
  return [
    trainingCurves,
    activationStd,
    featureMaps,
    errorVsEps,
    gradientSimilarity,
    robustness,
    certifiedAccuracy,
  ]
    .map((f) => f(groups))
    .filter((p): p is Plot => p !== undefined);
}

/** Names of all plots `buildPlots` can make. */
export const PLOT_NAMES = [
  'training-curves',
  'activation-std',
  'feature-maps',
  'error-vs-eps',
  'gradient-similarity',
  'robustness',
] as const;
