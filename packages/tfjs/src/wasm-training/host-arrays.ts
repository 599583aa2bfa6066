import { type DataType, type KernelBackend, type TensorInfo, util } from '@tensorflow/tfjs-core';

type HostArray = Float32Array | Int32Array | Uint8Array;

/** The two backends whose tensors live in host memory, seen through the methods we need. */
interface WasmLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): HostArray;
  dataIdMap: { get(dataId: object): { dtype: DataType } };
}
interface CpuLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: HostArray): TensorInfo;
}

/**
 * Makes one output tensor and lets `fill` write it as a plain typed array, given the inputs as typed
 * arrays (views into the wasm heap, or the cpu backend's own arrays: no copies). The output starts zeroed.
 *
 * On wasm every allocation may grow the heap and detach earlier views, and merely looking an input up
 * may allocate (tfjs moves a tensor made on another backend on first access). So: inputs are looked up
 * first, then the output is allocated, and only then are views taken.
 */
export function writeOutput(
  backend: KernelBackend,
  backendName: string,
  shape: number[],
  dtype: 'float32' | 'int32',
  inputs: readonly TensorInfo[],
  fill: (out: HostArray, ins: HostArray[]) => void,
): TensorInfo {
  if (backendName === 'wasm') {
    const wasm = backend as unknown as WasmLike;
    // The stored dtype, not the TensorInfo's: a cpu int32->float32 cast shares its buffer, and moving it
    // to wasm keeps int32 bits (the stock kernels read it that way too). TypedArray.set converts.
    const stored = inputs.map((t) => wasm.dataIdMap.get(t.dataId).dtype);
    const out = wasm.makeOutput(shape, dtype);
    const values = wasm.typedArrayFromHeap(out);
    values.fill(0);
    fill(
      values,
      inputs.map((t, i) => wasm.typedArrayFromHeap({ ...t, dtype: stored[i] })),
    );
    return out;
  }
  if (backendName === 'cpu') {
    const cpu = backend as unknown as CpuLike;
    const size = util.sizeFromShape(shape);
    const values = dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
    const ins = inputs.map((t) => {
      const v = cpu.data.get(t.dataId).values;
      if (!(v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array)) {
        throw new Error('wasm-training: cpu tensor has no plain typed-array values');
      }
      return v;
    });
    fill(values, ins);
    return cpu.makeTensorInfo(shape, dtype, values);
  }
  throw new Error(`wasm-training: host-array kernels run on 'cpu' or 'wasm', not '${backendName}'`);
}
