import { getBackend, setBackend } from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from './register';

export interface EnableWasmTrainingOptions {
  /**
   * Where the .wasm binaries are (a URL/path prefix ending in '/', or a file map), forwarded to
   * `setWasmPaths` before the backend starts. Not needed in Node: the package finds its own files.
   */
  wasmPaths?: string | Record<string, string>;
}

/**
 * Loads '@tensorflow/tfjs-backend-wasm', (re)registers the training kernels (the wasm package registers
 * its own Conv2DBackpropInput at import, which would otherwise win) and makes 'wasm' the active backend.
 */
export async function enableWasmTraining(options: EnableWasmTrainingOptions = {}): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (options.wasmPaths !== undefined) {
    wasm.setWasmPaths(options.wasmPaths as string);
  }
  registerWasmTrainingKernels();
  if (getBackend() !== 'wasm') {
    const ok = await setBackend('wasm');
    if (!ok) throw new Error('wasm-training: the tfjs wasm backend failed to initialise');
  }
}
