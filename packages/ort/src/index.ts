export { OrtTensorOps, type OrtTensorOpsOptions } from './ort-tensor-ops';
export { OrtLazyTensor, type LazyDataType, type LazyKind } from './lazy/ort-lazy-tensor';
