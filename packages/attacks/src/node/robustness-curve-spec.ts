import type { VegaLiteSpec } from './render-vega-lite';

/** One point of a robustness curve: a model under an attack at one eps. */
export interface CurvePoint {
  model: string;
  attack: string;
  eps: number;
  /** Robust accuracy in [0, 1]. */
  robustAccuracy: number;
}

/**
 * Robust accuracy against eps, one line per model, one panel per attack (Vega-Lite). Accuracy is
 * shown in percent.
 */
export function robustnessCurveSpec(
  points: readonly CurvePoint[],
  title = 'Robust accuracy vs eps',
): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: points.map((p) => ({ ...p, accuracy: 100 * p.robustAccuracy })) },
    facet: { column: { field: 'attack', type: 'nominal', title: null } },
    spec: {
      width: 260,
      height: 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'eps', type: 'quantitative', title: 'eps (L∞, [0, 1] pixels)' },
        y: {
          field: 'accuracy',
          type: 'quantitative',
          title: 'robust accuracy (%)',
          scale: { domain: [0, 100] },
        },
        color: { field: 'model', type: 'nominal', title: 'model' },
      },
    },
  };
}
