// Picks the fastest tfjs backend that can train LeNet-5 here with @anl/tfjs's probe: a few timed training
// steps on wasm (with @anl/tfjs/wasm-training's kernels), cpu (with its faster weight gradient) and
// webgpu (Dawn, when the optional `webgpu` and `@tensorflow/tfjs-backend-webgpu` packages are
// installed). webgpu is chosen only when it is faster than wasm: a software GPU (SwiftShader) is
// reported but never timed or chosen. A backend that fails to start is skipped with its reason.
import { AnlError } from '@anl/core';
import { enableWasmTraining, registerCpuTrainingKernels } from '@anl/tfjs/wasm-training';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'wasm' | 'cpu' | 'webgpu';

/** One candidate's probe: ms per LeNet-5 training step, or why it failed; no time when forced or not timed. */
export interface BackendProbe {
  name: BackendName;
  msPerStep?: number;
  error?: string;
  /** What webgpu runs on (the adapter), "(software)" for a CPU implementation of Vulkan. */
  detail?: string;
}

/**
 * The Vulkan driver Dawn uses: the system's (GPU drivers) unless ANL_WEBGPU_DRIVER=swiftshader picks
 * the SwiftShader CPU driver that Chromium ships (CI and machines without a GPU: exact but slow).
 */
export function webGpuDriver(): 'system' | 'swiftshader' {
  const value = process.env.ANL_WEBGPU_DRIVER;
  if (value === undefined || value === '' || value === 'system') return 'system';
  if (value === 'swiftshader') return 'swiftshader';
  throw new AnlError(
    'INVALID_ARGUMENT',
    `ANL_WEBGPU_DRIVER must be 'system' or 'swiftshader', got '${value}'`,
    {
      argument: 'ANL_WEBGPU_DRIVER',
    },
  );
}

async function activate(name: BackendName): Promise<string | undefined> {
  if (name === 'wasm') {
    await enableWasmTraining();
  } else if (name === 'webgpu') {
    // Loaded only here: Dawn and the tfjs webgpu backend are optional peers (a typed error says which is missing).
    const { enableWebGpu } = await import('@anl/tfjs/webgpu-node');
    const driver = webGpuDriver();
    let info: Awaited<ReturnType<typeof enableWebGpu>>;
    try {
      info = await enableWebGpu({ driver });
    } catch (error) {
      if (!(error instanceof AnlError) || error.code !== 'UNSUPPORTED' || driver !== 'system') throw error;
      throw new AnlError(
        'UNSUPPORTED',
        `${error.message} From the command line: ANL_WEBGPU_DRIVER=swiftshader anl ... --backend webgpu.`,
        { argument: '--backend', cause: error },
      );
    }
    return `${info.description || info.device || info.vendor}${info.software ? ' (software)' : ''}`;
  } else {
    if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed to start');
    registerCpuTrainingKernels();
  }
  return undefined;
}

/**
 * `forced`: activate that backend (its own typed error when it cannot start), no probe. Otherwise
 * @anl/tfjs's `probeTrainingBackends` over wasm, cpu and webgpu picks the fastest (now active).
 */
export async function pickBackend(
  forced?: BackendName,
): Promise<{ backend: BackendName; probe: BackendProbe[] }> {
  if (forced !== undefined) {
    const detail = await activate(forced);
    return { backend: forced, probe: [{ name: forced, ...(detail === undefined ? {} : { detail }) }] };
  }
  registerCpuTrainingKernels(); // the probe's cpu steps use the faster weight gradient, as training will
  const { hasSystemVulkanLoader, probeTrainingBackends } = await import('@anl/tfjs/webgpu-node');
  type Timing = Awaited<ReturnType<typeof probeTrainingBackends>>['results'][number];
  const driver = webGpuDriver();
  // Dawn needs a Vulkan loader on Linux; without one it would only print a warning and find no adapter.
  const noLoader = process.platform === 'linux' && driver === 'system' && !hasSystemVulkanLoader();
  const { chosen, results } = await probeTrainingBackends({
    candidates: noLoader ? ['wasm', 'cpu'] : ['wasm', 'cpu', 'webgpu'],
    steps: 2,
    warmup: 1,
    webgpu: { driver },
  });
  const skipped: Timing[] = noLoader
    ? [{ backend: 'webgpu', available: false, detail: 'no Vulkan loader (libvulkan.so.1)' }]
    : [];
  const probe: BackendProbe[] = [...results, ...skipped].map((r) => ({
    name: r.backend,
    ...(r.msPerStep === undefined ? {} : { msPerStep: r.msPerStep }),
    ...(r.available ? {} : { error: r.detail ?? 'unavailable' }),
    ...(r.available && r.detail !== undefined ? { detail: r.detail } : {}),
  }));
  if (!results.some((r) => r.available)) {
    throw new Error(`no tfjs backend could train here: ${JSON.stringify(probe)}`);
  }
  if (chosen === 'cpu') registerCpuTrainingKernels();
  return { backend: chosen, probe };
}

/** "wasm 31 ms/step, cpu 58 ms/step, webgpu SwiftShader (software, not timed)" for the log line. */
export function describeProbe(probe: readonly BackendProbe[]): string {
  return probe
    .map((p) =>
      p.error
        ? `${p.name} unavailable (${p.error.split('. ')[0]})`
        : p.msPerStep === undefined
          ? `${p.name}${p.detail ? ` on ${p.detail}` : ''} (not timed)`
          : `${p.name} ${p.msPerStep.toFixed(0)} ms/step`,
    )
    .join(', ');
}
