import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Identity that shares the input's buffer (one more reference), as the cpu backend's does. The stock
 * wasm Identity copies every byte; tfjs calls it for every `clone` (hundreds per training step: the
 * optimizer, tf.grads' bookkeeping, the trainer's undo copies), costing ~5% of a ResNet-20 step.
 * Safe because tfjs tensors are immutable and buffers are reference-counted.
 */
export function identityByReference(backend: KernelBackend, x: TensorInfo): TensorInfo | null {
  if (x.dtype === 'string') return null;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}
