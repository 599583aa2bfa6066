import {
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  GatherV2,
  Identity,
  MaxPoolGrad,
  Mean,
  Slice,
  Sum,
  Tile,
} from '@tensorflow/tfjs-core';
import { registerTrainingKernels, unregisterTrainingKernels } from './training-kernels';

/** Kernels replaced (or added) on the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = [
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  BatchMatMul,
  MaxPoolGrad,
  GatherV2,
  Slice,
  Tile,
  Identity,
  Sum,
  Mean,
];

/** Kernels replaced on the cpu backend: only where the composition beats the stock scalar loop. */
export const CPU_TRAINING_KERNELS: readonly string[] = [Conv2DBackpropFilter, MaxPoolGrad, GatherV2, Tile];

/** The only kernels here that the wasm package lacks entirely (tfjs-backend-wasm 4.22). */
const WASM_MISSING_KERNELS: readonly string[] = [
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
];

/** Kernels the wasm package has its own (slow) version of: replaced once that package is loaded. */
const WASM_OWN_KERNELS: readonly string[] = WASM_TRAINING_KERNELS.filter(
  (k) => !WASM_MISSING_KERNELS.includes(k),
);

/**
 * Registers the wasm training kernels (idempotent). Kernels wasm lacks are registered at once; the ones
 * it has are replaced only after '@tensorflow/tfjs-backend-wasm' is imported, so call this (or
 * `enableWasmTraining`) after that import. Returns the kernel names now served by this module.
 */
export function registerWasmTrainingKernels(): string[] {
  return registerTrainingKernels('wasm', WASM_TRAINING_KERNELS, WASM_OWN_KERNELS);
}

/** Registers the faster cpu kernels (idempotent). Call after '@tensorflow/tfjs' / tfjs-backend-cpu is imported. */
export function registerCpuTrainingKernels(): string[] {
  return registerTrainingKernels('cpu', CPU_TRAINING_KERNELS);
}

export function unregisterWasmTrainingKernels(): void {
  unregisterTrainingKernels('wasm', WASM_TRAINING_KERNELS);
}

export function unregisterCpuTrainingKernels(): void {
  unregisterTrainingKernels('cpu', CPU_TRAINING_KERNELS);
}
