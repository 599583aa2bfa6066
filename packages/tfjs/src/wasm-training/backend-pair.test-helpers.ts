import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

/** Deterministic pseudo-random floats in [-1, 1) (mulberry32), so failures reproduce. */
export function randomValues(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  }
  return out;
}

/** Runs one kernel on `backendName` with fresh tensors made from plain arrays; returns its values. */
export async function runKernelOn(
  backendName: string,
  kernelName: string,
  inputs: Record<string, { shape: number[]; values: Float32Array }>,
  attrs: object,
  intInputs: readonly string[] = [],
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backendName);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(inputs)) {
    tensors[name] = intInputs.includes(name)
      ? tf.tensor(Int32Array.from(v.values), v.shape, 'int32')
      : tf.tensor(v.values, v.shape, 'float32');
  }
  let out: tf.Tensor;
  try {
    out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
  const values = (await out.data()) as Float32Array;
  const shape = out.shape;
  out.dispose();
  for (const t of Object.values(tensors)) t.dispose();
  return { shape, values };
}

/** Largest |a-b| relative to the largest |b| (1e-4 is the agreed tolerance). */
export function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / scale;
}
