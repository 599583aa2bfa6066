export { type InsertNoiseLayersOptions, insertNoiseLayers } from './insert-noise-layers';
export type { LayerSelector } from './layer-selector';
export { stripNoiseLayers } from './strip-noise-layers';
export { type ToPniWeightModelOptions, toPniWeightModel } from './to-pni-weight-model';
