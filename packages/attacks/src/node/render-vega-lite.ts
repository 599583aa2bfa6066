import { Resvg } from '@resvg/resvg-js';

/** A Vega-Lite specification (JSON); see https://vega.github.io/vega-lite/docs/spec.html. */
export type VegaLiteSpec = Record<string, unknown>;

export interface RenderedChart {
  /** The chart as an SVG document (text). */
  svg: string;
  /** The same chart rasterised to PNG. */
  png: Uint8Array;
}

export interface RenderOptions {
  /** PNG width in pixels (default: twice the SVG's width). */
  pngWidth?: number;
  /** Font family the PNG falls back to (default 'DejaVu Sans', Debian's default). */
  defaultFont?: string;
}

/**
 * Renders a Vega-Lite spec in Node: Vega draws the SVG without a canvas, resvg rasterises it to PNG
 * with the system fonts. Any CLI can reuse it for its own charts.
 */
export async function renderVegaLite(
  spec: VegaLiteSpec,
  options: RenderOptions = {},
): Promise<RenderedChart> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const widthMatch = /width="([\d.]+)"/.exec(svg);
    const width = options.pngWidth ?? Math.round(2 * Number(widthMatch?.[1] ?? 400));
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'width', value: width },
      font: { loadSystemFonts: true, defaultFontFamily: options.defaultFont ?? 'DejaVu Sans' },
      background: 'white',
    });
    return { svg, png: new Uint8Array(resvg.render().asPng()) };
  } finally {
    view.finalize();
  }
}
