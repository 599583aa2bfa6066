export { TfjsTensorOps, tfjsOps } from './tfjs-tensor-ops';
