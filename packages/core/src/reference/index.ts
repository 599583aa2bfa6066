export type { RefTensor } from './ref-tensor';
export { ReferenceTensorOps, referenceOps, type ReferenceTensorOpsOptions } from './reference-tensor-ops';
