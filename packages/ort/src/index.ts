export { OrtTensorOps, type OrtTensorOpsOptions } from './ort-tensor-ops';
export { OrtLazyTensor, type LazyDataType, type LazyKind } from './lazy/ort-lazy-tensor';
export {
  exportToOnnx,
  buildOnnxModel,
  SUPPORTED_LAYER_CLASSES,
  type ExportToOnnxOptions,
} from './export/export-to-onnx';
export { saveOnnx } from './export/save-onnx';
export { SUPPORTED_ACTIVATIONS } from './export/activations';
export { encodeOnnxModel, ONNX_OPSET } from './onnx/onnx-model';
export type {
  OnnxAttribute,
  OnnxDataType,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './onnx/onnx-model';
