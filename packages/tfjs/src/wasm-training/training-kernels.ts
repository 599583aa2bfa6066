import {
  BatchMatMul,
  type BatchMatMulAttrs,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  GatherV2,
  type GatherV2Attrs,
  getKernel,
  Identity,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  Mean,
  registerKernel,
  Slice,
  type SliceAttrs,
  Sum,
  type TensorInfo,
  Tile,
  type TileAttrs,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { batchMatMulViaPlain } from './batch-mat-mul';
import { conv2dBackpropFilterByConv } from './conv2d-backprop-filter';
import { conv2dBackpropInputByConv } from './conv2d-backprop-input';
import { depthwiseBackpropFilterByConv, depthwiseBackpropInputByConv } from './depthwise-backprop';
import { gatherByBlocks } from './gather-rows';
import { maxPoolGradByScan } from './max-pool-grad';
import { type ReductionAttrs, reduceByPooling } from './reduce-by-pooling';
import { identityByReference } from './shared-identity';
import { sliceByRuns } from './slice-view';
import { tileByBlocks } from './tile-blocks';

/** A replacement kernel: computes via composition, or returns null to defer to the backend's own kernel. */
type Replacement = (args: {
  inputs: Record<string, TensorInfo>;
  attrs: Record<string, unknown>;
  backend: KernelBackend;
  backendName: string;
  /** The backend's own kernel, if it has one. */
  original: KernelConfig | undefined;
}) => TensorInfo | null;

const isNhwcFloat = (attrs: Record<string, unknown>, ...tensors: TensorInfo[]): boolean =>
  (attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC') &&
  tensors.every((t) => t.dtype === 'float32');

/** Every replacement this module offers, by kernel name. */
export const TRAINING_KERNELS: Record<string, Replacement> = {
  [Conv2DBackpropFilter]: ({ inputs, attrs, backend, backendName }) =>
    isNhwcFloat(attrs, inputs.x, inputs.dy)
      ? conv2dBackpropFilterByConv(
          backend,
          backendName,
          inputs.x,
          inputs.dy,
          attrs as unknown as Conv2DBackpropFilterAttrs,
        )
      : null,
  [Conv2DBackpropInput]: ({ inputs, attrs, backend, backendName }) =>
    isNhwcFloat(attrs, inputs.dy, inputs.filter)
      ? conv2dBackpropInputByConv(
          backend,
          backendName,
          inputs.dy,
          inputs.filter,
          attrs as unknown as Conv2DBackpropInputAttrs,
        )
      : null,
  [DepthwiseConv2dNativeBackpropFilter]: ({ inputs, attrs, backend, backendName }) =>
    isNhwcFloat(attrs, inputs.x, inputs.dy)
      ? depthwiseBackpropFilterByConv(
          backend,
          backendName,
          inputs.x,
          inputs.dy,
          attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs,
        )
      : null,
  [DepthwiseConv2dNativeBackpropInput]: ({ inputs, attrs, backend, backendName }) =>
    isNhwcFloat(attrs, inputs.dy, inputs.filter)
      ? depthwiseBackpropInputByConv(
          backend,
          backendName,
          inputs.dy,
          inputs.filter,
          attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs,
        )
      : null,
  [BatchMatMul]: ({ inputs, attrs, backend, backendName, original }) =>
    original === undefined
      ? null
      : batchMatMulViaPlain(
          backend,
          backendName,
          original,
          inputs.a,
          inputs.b,
          attrs as unknown as BatchMatMulAttrs,
        ),
  [MaxPoolGrad]: ({ inputs, attrs, backend, backendName }) =>
    inputs.input.dtype === 'float32' && inputs.dy.dtype === 'float32'
      ? maxPoolGradByScan(backend, backendName, inputs.dy, inputs.input, attrs as unknown as MaxPoolGradAttrs)
      : null,
  [Slice]: ({ inputs, attrs, backend, backendName }) =>
    sliceByRuns(backend, backendName, inputs.x, attrs as unknown as SliceAttrs),
  [Identity]: ({ inputs, backend }) => identityByReference(backend, inputs.x),
  [Tile]: ({ inputs, attrs, backend, backendName }) =>
    tileByBlocks(backend, backendName, inputs.x, attrs as unknown as TileAttrs),
  [GatherV2]: ({ inputs, attrs, backend, backendName }) =>
    gatherByBlocks(backend, backendName, inputs.x, inputs.indices, attrs as unknown as GatherV2Attrs),
  [Sum]: ({ inputs, attrs, backend, backendName, original }) =>
    reduceByPooling('sum', backend, backendName, inputs.x, attrs as unknown as ReductionAttrs, original),
  [Mean]: ({ inputs, attrs, backend, backendName, original }) =>
    reduceByPooling('mean', backend, backendName, inputs.x, attrs as unknown as ReductionAttrs, original),
};

/** Marks our configs so re-registration is a no-op and the backend's own kernel stays reachable. */
interface TrainingKernelConfig extends KernelConfig {
  anlTrainingKernel: true;
  original: KernelConfig | undefined;
}

const isOurs = (c: KernelConfig | undefined): c is TrainingKernelConfig =>
  c !== undefined && (c as Partial<TrainingKernelConfig>).anlTrainingKernel === true;

/**
 * Registers the named replacements for `backendName`, keeping the backend's own kernel (if any) as the
 * fallback for what a replacement does not cover (NCHW, non-float32). Idempotent. Returns the names
 * that are now served by this module.
 *
 * `replaceOnly` lists kernels the backend package registers itself: those are swapped only once the
 * backend's own is present (registering first would make the backend's import overwrite ours with a
 * warning); call again after importing the backend, as `enableWasmTraining` does.
 */
export function registerTrainingKernels(
  backendName: string,
  kernelNames: readonly string[],
  replaceOnly: readonly string[] = [],
): string[] {
  const served: string[] = [];
  for (const kernelName of kernelNames) {
    const replacement = TRAINING_KERNELS[kernelName];
    if (replacement === undefined)
      throw new Error(`wasm-training: no replacement for kernel '${kernelName}'`);
    const current = getKernel(kernelName, backendName);
    if (isOurs(current)) {
      served.push(kernelName);
      continue;
    }
    if (current === undefined && replaceOnly.includes(kernelName)) continue;
    const original = current;
    const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
      const out = replacement({
        inputs: inputs as Record<string, TensorInfo>,
        attrs: attrs as Record<string, unknown>,
        backend: backend as KernelBackend,
        backendName,
        original,
      });
      if (out !== null) return out;
      if (original === undefined) {
        throw new Error(`wasm-training: ${kernelName} on '${backendName}' supports NHWC float32 only`);
      }
      return original.kernelFunc({ inputs, attrs, backend });
    };
    if (current !== undefined) unregisterKernel(kernelName, backendName);
    const config: TrainingKernelConfig = {
      kernelName,
      backendName,
      kernelFunc,
      // The wrapped kernel still needs its one-time setup (wasm binds its C function there).
      setupFunc: original?.setupFunc,
      anlTrainingKernel: true,
      original,
    };
    registerKernel(config);
    served.push(kernelName);
  }
  return served;
}

/** Restores the backend's own kernels (or removes ours where the backend had none). For tests and opt-out. */
export function unregisterTrainingKernels(backendName: string, kernelNames: readonly string[]): void {
  for (const kernelName of kernelNames) {
    const current = getKernel(kernelName, backendName);
    if (!isOurs(current)) continue;
    unregisterKernel(kernelName, backendName);
    if (current.original !== undefined) registerKernel(current.original);
  }
}
