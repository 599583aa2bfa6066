import { type DataType, type KernelBackend, type TensorInfo, util } from '@tensorflow/tfjs-core';

type HostArray = Float32Array | Int32Array | Uint8Array;

/** The two backends whose tensors live in host memory, seen through the methods we need. */
interface WasmLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): HostArray;
}
interface CpuLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: HostArray): TensorInfo;
}

/**
 * Makes one output tensor and lets `fill` write it as a plain typed array, reading inputs through
 * `read` (views into the wasm heap, or the cpu backend's own arrays: no copies). On wasm the output is
 * allocated BEFORE any input view is taken, because an allocation may grow (and detach) the heap.
 * The output starts zeroed.
 */
export function writeOutput(
  backend: KernelBackend,
  backendName: string,
  shape: number[],
  dtype: 'float32' | 'int32',
  fill: (out: HostArray, read: (t: TensorInfo) => HostArray) => void,
): TensorInfo {
  if (backendName === 'wasm') {
    const wasm = backend as unknown as WasmLike;
    const out = wasm.makeOutput(shape, dtype);
    const values = wasm.typedArrayFromHeap(out);
    values.fill(0);
    fill(values, (t) => wasm.typedArrayFromHeap(t));
    return out;
  }
  if (backendName === 'cpu') {
    const cpu = backend as unknown as CpuLike;
    const size = util.sizeFromShape(shape);
    const values = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
    fill(values, (t) => {
      const v = cpu.data.get(t.dataId).values;
      if (!(v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array)) {
        throw new Error('wasm-training: cpu tensor has no plain typed-array values');
      }
      return v;
    });
    return cpu.makeTensorInfo(shape, dtype, values);
  }
  throw new Error(`wasm-training: host-array kernels run on 'cpu' or 'wasm', not '${backendName}'`);
}
