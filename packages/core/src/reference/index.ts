export type { RefTensor } from './ref-tensor';
export { ReferenceTensorOps, type ReferenceTensorOpsOptions, referenceOps } from './reference-tensor-ops';
export {
  type LinearGradients,
  type LossPassRecord,
  type PassRecord,
  TwoLayerLinearModel,
} from './two-layer-linear-model';
