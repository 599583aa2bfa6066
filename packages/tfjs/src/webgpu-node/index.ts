/**
 * @anl/tfjs/webgpu-node — GPU training in Node through WebGPU: Dawn (the optional `webgpu` package) gives
 * Node a `navigator.gpu`, and the tfjs webgpu backend (optional `@tensorflow/tfjs-backend-webgpu`) runs on
 * it. Nothing here loads either package until `enableWebGpu` or `probeTrainingBackends` is called.
 */
export { type EnableWebGpuOptions, enableWebGpu, type WebGpuInfo } from './enable-webgpu';
export { lenet5ProbeModel } from './lenet5-probe-model';
export {
  type ProbeTrainingBackendsOptions,
  probeTrainingBackends,
  type TrainingBackendName,
  type TrainingBackendProbe,
  type TrainingBackendTiming,
} from './probe-backends';
export { findSwiftShader, hasSystemVulkanLoader, type SwiftShaderLocation } from './software-vulkan';
