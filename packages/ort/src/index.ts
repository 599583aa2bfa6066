export { SUPPORTED_ACTIVATIONS } from './export/activations';
export {
  buildOnnxModel,
  type ExportToOnnxOptions,
  exportToOnnx,
  SUPPORTED_LAYER_CLASSES,
} from './export/export-to-onnx';
export { saveOnnx } from './export/save-onnx';
export { type LazyDataType, type LazyKind, OrtLazyTensor } from './lazy/ort-lazy-tensor';
export type {
  OnnxAttribute,
  OnnxDataType,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx/onnx-model';
export { encodeOnnxModel, ONNX_OPSET } from './onnx/onnx-model';
export { OrtTensorOps, type OrtTensorOpsOptions } from './ort-tensor-ops';
