/**
 * @anl/tfjs/training-kernels (`@anl/tfjs/wasm-training` is a deprecated alias) — opt-in fast
 * training kernels for tfjs in plain Node (and browsers):
 * convolution backward kernels for the wasm backend (which has none for the weight gradient) and a
 * faster weight gradient for the cpu backend, all built from the backends' own fast forward kernels.
 * Importing this module registers the wasm kernels; call `enableWasmTraining()` to switch to wasm.
 */
import { registerWasmTrainingKernels } from './register';

export { type EnableWasmTrainingOptions, enableWasmTraining } from './enable';
export {
  CPU_TRAINING_KERNELS,
  registerCpuTrainingKernels,
  registerWasmTrainingKernels,
  unregisterCpuTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from './register';

registerWasmTrainingKernels();
