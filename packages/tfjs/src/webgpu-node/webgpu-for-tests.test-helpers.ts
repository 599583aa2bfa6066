import { AnlError } from '@anl/core';
import { enableWebGpu, type WebGpuInfo } from './enable-webgpu';
import { findSwiftShader } from './software-vulkan';

/**
 * Starts Dawn for a test file: on SwiftShader when a Chromium install ships it (CI installs chromium),
 * else on the system's Vulkan driver. Only a missing adapter is a reason to skip; a missing package or
 * any other failure throws (the packages are dev dependencies, so their absence is a broken install).
 */
export async function startWebGpuForTests(): Promise<{ info?: WebGpuInfo; skipReason?: string }> {
  const driver = findSwiftShader() !== undefined ? 'swiftshader' : 'system';
  try {
    return { info: await enableWebGpu({ driver, setBackend: false }) };
  } catch (e) {
    if (e instanceof AnlError && e.code === 'UNSUPPORTED') {
      const skipReason = `webgpu tests skipped: no WebGPU adapter on this machine (${e.message})`;
      console.warn(skipReason);
      return { skipReason };
    }
    throw e;
  }
}
