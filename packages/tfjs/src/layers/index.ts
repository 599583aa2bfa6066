export { findNoiseLayers, isNoiseLayer } from './find-noise-layers';
export type { NoiseInjector } from './noise-context';
export { activeNoiseInjector, withNoiseInjector } from './noise-context';
export { NoiseLayer, type NoiseLayerArgs, noiseLayer } from './noise-layer';
export {
  ParametricNoiseLayer,
  type ParametricNoiseLayerArgs,
  type PniGranularity,
  parametricNoiseLayer,
} from './parametric-noise-layer';
export {
  PniConv2D,
  type PniConv2DArgs,
  PniDense,
  type PniDenseArgs,
  type PniWeightArgs,
  pniConv2d,
  pniDense,
} from './pni-weight-layers';
export { registerAnlLayers } from './register';
