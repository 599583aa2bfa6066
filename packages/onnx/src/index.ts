export { SUPPORTED_ACTIVATIONS } from './export/activations';
export {
  activationOf,
  type ConvertContext,
  type HostWeight,
  hostWeights,
  type LayerConverter,
  type LayerLike,
  pair,
  requireChannelsLast,
  singleInput,
  unsupported as unsupportedLayer,
} from './export/converter-context';
export { windowPads } from './export/convolution-layers';
export { buildOnnxModel, type ExportToOnnxOptions, exportToOnnx } from './export/export-to-onnx';
export { ExportValue, type Layout } from './export/export-value';
export {
  builtInLayerConverter,
  type LayerClass,
  registerLayerConverter,
  SUPPORTED_LAYER_CLASSES,
} from './export/layer-converter-registry';
export { OnnxGraphBuilder } from './export/onnx-graph-builder';
export { saveOnnx } from './export/save-onnx';
export { decodeOnnxModel } from './onnx/decode-onnx-model';
export { encodeOnnxModel } from './onnx/encode-onnx-model';
export type {
  OnnxAttribute,
  OnnxDataType,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx/onnx-model';
export { ONNX_IR_VERSION, ONNX_OPSET } from './onnx/onnx-model';
