import { getBackend } from '@tensorflow/tfjs-core';

/**
 * False where the active backend cannot read device memory synchronously: the webgpu backend in Node
 * (Dawn has no blocking readback; browsers read through an OffscreenCanvas). Checks that need a value
 * on the host in the middle of a synchronous step are skipped there.
 */
export function backendReadsSync(): boolean {
  const offscreen = (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas;
  return !(getBackend() === 'webgpu' && offscreen === undefined);
}
