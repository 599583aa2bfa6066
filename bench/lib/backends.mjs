import {
  enableWasmTraining,
  registerCpuTrainingKernels,
  unregisterCpuTrainingKernels,
} from '@anl/tfjs/wasm-training';
import * as tf from '@tensorflow/tfjs';

/**
 * The configurations compared: 'cpu' = tfjs cpu backend + our cpu kernels, 'cpu-stock' = the tfjs cpu
 * backend as shipped, 'wasm' = tfjs wasm backend (XNNPACK, 1 thread in Node) + our training kernels
 * (the stock wasm backend cannot train convnets: it has no Conv2DBackpropFilter).
 */
export async function useBackend(name) {
  if (name === 'wasm') {
    await enableWasmTraining();
  } else {
    await tf.setBackend('cpu');
    if (name === 'cpu') registerCpuTrainingKernels();
    else if (name === 'cpu-stock') unregisterCpuTrainingKernels();
    else throw new Error(`unknown backend configuration ${name}`);
  }
  await tf.ready();
  return tf.getBackend();
}
