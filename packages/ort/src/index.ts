export { type LazyDataType, type LazyKind, OrtLazyTensor } from './lazy/ort-lazy-tensor';
export { OrtTensorOps, type OrtTensorOpsOptions } from './ort-tensor-ops';
