export type { RefTensor } from './ref-tensor';
export { ReferenceTensorOps, type ReferenceTensorOpsOptions, referenceOps } from './reference-tensor-ops';
