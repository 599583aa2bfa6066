import { describe, expect, it } from 'vitest';
import { renderVegaLite } from './render-vega-lite';
import { robustnessCurveSpec } from './robustness-curve-spec';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('renderVegaLite', () => {
  it('draws a robustness curve as SVG (one mark per point) and a PNG of the requested width', async () => {
    const points = [
      { model: 'baseline', attack: 'PGD', eps: 0, robustAccuracy: 0.9 },
      { model: 'baseline', attack: 'PGD', eps: 0.1, robustAccuracy: 0.1 },
      { model: 'PGD-AT', attack: 'PGD', eps: 0, robustAccuracy: 0.8 },
      { model: 'PGD-AT', attack: 'PGD', eps: 0.1, robustAccuracy: 0.4 },
    ];
    const { svg, png } = await renderVegaLite(robustnessCurveSpec(points, 'test chart'), { pngWidth: 300 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('test chart');
    expect(svg).toContain('PGD-AT');
    // Vega-Lite's point marks are <path> elements with role graphics-symbol, one per data point.
    expect(svg.match(/role="graphics-symbol"/g)?.length).toBeGreaterThanOrEqual(points.length);
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    // IHDR width, big-endian at byte 16.
    const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
    expect(width).toBe(300);
  });
});
