// `@anl/tfjs/onnx`: importing it teaches @anl/onnx's exporter the layers of @anl/tfjs. The layer
// classes come from the main entry by package name (kept external by tsup), so the classes
// registered are the ones a program's models are built from.

import { builtInLayerConverter, registerLayerConverter } from '@anl/onnx';
import { NoiseLayer, ParametricNoiseLayer, PniConv2D, PniDense } from '@anl/tfjs';
import { noiseLayerConverter, parametricNoiseConverter } from './noise-layer-converters';

registerLayerConverter(NoiseLayer, noiseLayerConverter);
registerLayerConverter(ParametricNoiseLayer, parametricNoiseConverter);
// PNI-W layers export noise-free: their configs carry the plain layers' fields and their first two
// weights are kernel and bias, so the plain converters apply as they are (alpha is left out). The
// ONNX graph is the clean-weight network; in tfjs PNI-W keeps drawing weight noise at inference.
registerLayerConverter(PniConv2D, builtInLayerConverter('Conv2D'));
registerLayerConverter(PniDense, builtInLayerConverter('Dense'));

export { noiseLayerConverter, parametricNoiseConverter };
