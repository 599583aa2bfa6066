// Picks the tfjs backend: WebGL on a real GPU; otherwise wasm with @anl/tfjs's training kernels
// (tfjs-backend-wasm has no convolution gradients of its own). Under a software WebGL renderer
// (SwiftShader, llvmpipe: headless Chromium, VMs) wasm trains faster, so 'auto' takes wasm there.
import { enableWasmTraining, registerCpuTrainingKernels } from '@anl/tfjs/wasm-training';
import * as tf from '@tensorflow/tfjs';
import type { BackendPreference } from './settings';

/** Where the build puts tfjs-backend-wasm's .wasm files (see vite.config.ts). */
export const WASM_URL = `${import.meta.env.BASE_URL}tfjs-wasm/`;

export interface BackendChoice {
  name: 'webgl' | 'wasm' | 'cpu';
  /** Why this one, for the page (the WebGL renderer's name, what failed). */
  note: string;
}

export async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'cpu') return useCpu('chosen');
  if (preference === 'wasm') return useWasm('chosen');
  const renderer = await tryWebgl();
  if (preference === 'webgl') {
    if (renderer.ok) return { name: 'webgl', note: `chosen; renderer ${renderer.name}` };
    throw new Error(`the WebGL backend is not available here (${renderer.name}); choose auto, wasm or cpu`);
  }
  if (renderer.ok && !renderer.software) return { name: 'webgl', note: `GPU renderer ${renderer.name}` };
  const why = renderer.ok ? `WebGL renders in software (${renderer.name})` : `no WebGL (${renderer.name})`;
  try {
    return await useWasm(why);
  } catch (error) {
    if (renderer.ok) {
      await tf.setBackend('webgl');
      return { name: 'webgl', note: `${why}, and wasm failed: ${messageOf(error)}` };
    }
    return useCpu(`${why}, and wasm failed: ${messageOf(error)}`);
  }
}

async function tryWebgl(): Promise<{ ok: boolean; software: boolean; name: string }> {
  try {
    if (!(await tf.setBackend('webgl'))) return { ok: false, software: false, name: 'failed to start' };
  } catch (error) {
    return { ok: false, software: false, name: messageOf(error) };
  }
  const name = rendererName();
  return { ok: true, software: /swiftshader|llvmpipe|software|softpipe/i.test(name), name };
}

/** The unmasked GL renderer string, when the browser tells it. */
function rendererName(): string {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  if (gl === undefined) return 'unknown';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function useWasm(note: string): Promise<BackendChoice> {
  await enableWasmTraining({ wasmPaths: new URL(WASM_URL, document.baseURI).href });
  return { name: 'wasm', note };
}

async function useCpu(note: string): Promise<BackendChoice> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to start');
  registerCpuTrainingKernels();
  return { name: 'cpu', note };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
