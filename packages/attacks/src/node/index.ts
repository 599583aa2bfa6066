export {
  type RenderedChart,
  type RenderOptions,
  renderVegaLite,
  type VegaLiteSpec,
} from './render-vega-lite';
export { type CurvePoint, robustnessCurveSpec } from './robustness-curve-spec';
export { writeRobustnessJson } from './write-robustness-json';
