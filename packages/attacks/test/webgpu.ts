import '@tensorflow/tfjs-backend-cpu';
import { AnlError } from '@anl/core';
import { enableWebGpu, findSwiftShader, type WebGpuInfo } from '@anl/tfjs/webgpu-node';
import { initializers, type LayersModel, layers, sequential } from '@tensorflow/tfjs-layers';

/** Dawn on SwiftShader where Chromium ships it, else the system's driver; only a missing adapter skips. */
export async function startWebGpu(what: string): Promise<{ info?: WebGpuInfo; skipReason?: string }> {
  const driver = findSwiftShader() !== undefined ? 'swiftshader' : 'system';
  try {
    return { info: await enableWebGpu({ driver, setBackend: false }) };
  } catch (e) {
    if (e instanceof AnlError && e.code === 'UNSUPPORTED') {
      const skipReason = `${what} skipped: no WebGPU adapter on this machine (${e.message})`;
      console.warn(skipReason);
      return { skipReason };
    }
    throw e;
  }
}

/** conv(3x3, tanh) -> flatten -> dense(3, softmax) on 6x6x1 inputs, seeded: every backend builds the same weights. */
export function tinyConvNet(): LayersModel {
  return sequential({
    layers: [
      layers.conv2d({
        inputShape: [6, 6, 1],
        filters: 2,
        kernelSize: 3,
        activation: 'tanh',
        kernelInitializer: initializers.glorotUniform({ seed: 1 }),
        biasInitializer: initializers.constant({ value: 0.05 }),
      }),
      layers.flatten(),
      layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

/** Largest absolute element-wise difference (arrays of equal length). */
export function worstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
