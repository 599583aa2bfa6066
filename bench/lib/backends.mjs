import { existsSync } from 'node:fs';
import {
  enableWasmTraining,
  registerCpuTrainingKernels,
  unregisterCpuTrainingKernels,
} from '@anl/tfjs/wasm-training';
import { enableWebGpu, findSwiftShader } from '@anl/tfjs/webgpu-node';
import * as tf from '@tensorflow/tfjs';

/** Where Vulkan loaders look for installed drivers (ICD manifests). */
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];

/** 'auto': a system Vulkan driver if one is installed (or named by VK_ICD_FILENAMES), else SwiftShader. */
function webgpuDriver(choice) {
  if (choice !== 'auto') return choice;
  const systemDriver =
    process.env.VK_ICD_FILENAMES !== undefined ||
    process.env.VK_DRIVER_FILES !== undefined ||
    ICD_DIRS.some((d) => existsSync(d));
  return systemDriver || findSwiftShader() === undefined ? 'system' : 'swiftshader';
}

/** Row label of a webgpu run: what the adapter is, a software GPU named as such. */
function webgpuLabel(info) {
  const name = /swiftshader/i.test(`${info.architecture} ${info.description}`)
    ? 'SwiftShader'
    : info.description || `${info.vendor} ${info.architecture} ${info.device}`.trim();
  return info.software ? `webgpu: software GPU (${name})` : `webgpu: ${name}`;
}

/**
 * The configurations compared: 'cpu' = tfjs cpu backend + our cpu kernels, 'cpu-stock' = the tfjs cpu
 * backend as shipped, 'wasm' = tfjs wasm backend (XNNPACK, 1 thread in Node) + our training kernels
 * (the stock wasm backend cannot train convnets: it has no Conv2DBackpropFilter), 'webgpu' = tfjs webgpu
 * backend on Dawn (`@anl/tfjs/webgpu-node`), on the system's GPU or on SwiftShader (a software GPU).
 */
export async function useBackend(name, { webgpuDriver: driver = 'auto' } = {}) {
  if (name === 'webgpu') {
    const info = await enableWebGpu({ driver: webgpuDriver(driver) });
    await tf.ready();
    return { backend: tf.getBackend(), label: webgpuLabel(info), adapter: info };
  }
  if (name === 'wasm') {
    await enableWasmTraining();
  } else {
    await tf.setBackend('cpu');
    if (name === 'cpu') registerCpuTrainingKernels();
    else if (name === 'cpu-stock') unregisterCpuTrainingKernels();
    else throw new Error(`unknown backend configuration ${name}`);
  }
  await tf.ready();
  return { backend: tf.getBackend(), label: name };
}
