// `@anl/tfjs/onnx`: importing it teaches @anl/onnx's exporter the layers of @anl/tfjs. The layer
// classes come from the main entry by package name (kept external by tsup), so the classes
// registered are the ones a program's models are built from.

import { registerLayerConverter } from '@anl/onnx';
import { NoiseLayer, ParametricNoiseLayer } from '@anl/tfjs';
import { noiseLayerConverter, parametricNoiseConverter } from './noise-layer-converters';

registerLayerConverter(NoiseLayer, noiseLayerConverter);
registerLayerConverter(ParametricNoiseLayer, parametricNoiseConverter);

export { noiseLayerConverter, parametricNoiseConverter };
