import { backend, getBackend, type Tensor, tensor } from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { copyOut } from './protocol';

// Activations and noise cross the shared buffer every pass (tens of MB for ResNet-20), so the
// copies matter. tfjs-wasm's `dataSync` copies with `HEAPU8.slice`, which V8 does element by
// element; these go straight between the wasm heap and the shared buffer instead.

interface WasmInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  wasm: { HEAPU8: Uint8Array };
}

function wasmInternals(): WasmInternals | null {
  if (getBackend() !== 'wasm') return null;
  const b = backend() as unknown as Partial<WasmInternals>;
  return b.dataIdMap !== undefined && b.wasm?.HEAPU8 !== undefined ? (b as WasmInternals) : null;
}

/** Copies `t`'s values (float32) into `target` from `at` on. */
export function readInto(t: Tensor, target: Float32Array, at: number): void {
  const internals = wasmInternals();
  const entry = internals?.dataIdMap.get(t.dataId);
  if (internals === null || t.dtype !== 'float32' || entry == null || entry.memoryOffset == null) {
    target.set(t.dataSync(), at);
    return;
  }
  const heap = internals.wasm.HEAPU8;
  target.set(new Float32Array(heap.buffer, heap.byteOffset + entry.memoryOffset, t.size), at);
}

/**
 * `t`'s values (float32) to read at once: on wasm a view of its memory in the heap (valid only
 * until the backend allocates again), elsewhere `dataSync()`.
 */
export function valuesOf(t: Tensor): Float32Array {
  const internals = wasmInternals();
  const entry = internals?.dataIdMap.get(t.dataId);
  if (internals === null || t.dtype !== 'float32' || entry == null || entry.memoryOffset == null) {
    return t.dataSync() as Float32Array;
  }
  const heap = internals.wasm.HEAPU8;
  return new Float32Array(heap.buffer, heap.byteOffset + entry.memoryOffset, t.size);
}

/**
 * A tensor of `view[from, to)`. The wasm backend copies the values into its heap when the tensor
 * is made, so it takes the view itself; other backends keep the array they get: they get a copy.
 */
export function tensorOf(view: Float32Array, from: number, to: number, shape: number[]): Tensor {
  return wasmInternals() === null
    ? tensor(copyOut(view, from, to), shape)
    : tensor(view.subarray(from, to), shape);
}

/** Each weight's values, one after the other, into `data` from `at` on. */
export function writeWeights(weights: readonly LayerVariable[], data: Float32Array, at: number): void {
  let offset = at;
  for (const w of weights) {
    const value = w.read();
    readInto(value, data, offset);
    offset += value.size;
  }
}

/** The inverse: each weight takes its values from `data`, one after the other, from `at` on. */
export function loadWeights(weights: readonly LayerVariable[], data: Float32Array, at: number): void {
  let offset = at;
  for (const w of weights) {
    const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
    const value = tensorOf(data, offset, offset + size, w.shape as number[]);
    w.write(value);
    value.dispose();
    offset += size;
  }
}
