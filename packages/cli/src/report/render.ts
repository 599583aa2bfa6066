// Vega-Lite → SVG in Node (vega's headless renderer, no canvas) → PNG with resvg. When
// @anl/attacks/node's renderVegaLite lands, this file can become a re-export of it.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderVegaLite(
  spec: Record<string, unknown>,
  options: { scale?: number } = {},
): Promise<{ svg: string; png: Uint8Array }> {
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: options.scale ?? 2 },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      background: 'white',
    })
      .render()
      .asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}
