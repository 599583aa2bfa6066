import { AnlError } from '@anl/core';
import { findBackendFactory, getBackend, registerBackend, setBackend } from '@tensorflow/tfjs-core';
import { findSwiftShader, hasSystemVulkanLoader, useSwiftShader } from './software-vulkan';
import { guardSyncReads } from './sync-read-guard';

export interface EnableWebGpuOptions {
  /**
   * Which Vulkan driver Dawn should use on Linux. `'system'` (default): whatever the system's Vulkan
   * loader finds (NVIDIA, AMD, Intel drivers). `'swiftshader'`: the SwiftShader CPU driver shipped by
   * Chromium/Chrome (`vk_swiftshader_icd.json`), for CI and machines without a GPU; slow, but exact.
   */
  readonly driver?: 'system' | 'swiftshader';
  /** Extra Dawn options for `create()`, e.g. `['backend=vulkan']` or `['adapter=NVIDIA ...']`. */
  readonly dawnOptions?: readonly string[];
  /** Make 'webgpu' the active tfjs backend (default true). */
  readonly setBackend?: boolean;
}

/** What `enableWebGpu` found. */
export interface WebGpuInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for a CPU implementation (SwiftShader, llvmpipe/lavapipe): correct but slower than wasm. */
  readonly software: boolean;
  /** The Vulkan driver asked for. */
  readonly driver: 'system' | 'swiftshader';
}

interface DawnModule {
  create(options: string[]): GpuLike;
  globals: object;
}
interface GpuLike {
  requestAdapter(options?: object): Promise<AdapterLike | null>;
}
interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

let installed: { gpu: GpuLike; info: WebGpuInfo } | undefined;

const NO_ADAPTER_HELP =
  "Dawn (the `webgpu` package) runs on Vulkan on Linux: install your GPU's Vulkan driver and the " +
  'Vulkan loader (Debian/Ubuntu: `apt-get install libvulkan1 mesa-vulkan-drivers`; NVIDIA: the driver ' +
  'package ships nvidia_icd.json). Without a GPU, install chromium (it ships the SwiftShader Vulkan ' +
  "driver) and call enableWebGpu({ driver: 'swiftshader' }), or set " +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and XDG_RUNTIME_DIR to a writable folder.';

function missingPackage(name: string, cause: unknown): AnlError {
  return new AnlError(
    'NOT_FOUND',
    `@anl/tfjs/webgpu-node needs the optional peer dependency '${name}', which could not be loaded: ` +
      `npm install ${name === 'webgpu' ? 'webgpu' : `${name}@4.22.0`}`,
    { argument: name, cause },
  );
}

async function importDawn(): Promise<DawnModule> {
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch (e) {
    throw missingPackage('webgpu', e);
  }
}

/** Puts Dawn's `navigator.gpu` and the WebGPU classes (GPUBufferUsage, ...) on globalThis, as in a browser. */
function installNavigatorGpu(dawn: DawnModule, options: readonly string[]): GpuLike {
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([...options]);
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    // Node 20 has no navigator; tfjs only reads navigator.gpu and navigator.userAgent (absent = not mobile).
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  return gpu;
}

function removeNavigatorGpu(): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator === undefined) return;
  if (Object.keys(g.navigator).length === 1 && 'gpu' in g.navigator) {
    delete (globalThis as { navigator?: unknown }).navigator; // the one we made on Node 20
  } else {
    delete g.navigator.gpu;
  }
}

function describeAdapter(adapter: AdapterLike, driver: WebGpuInfo['driver']): WebGpuInfo {
  const info = adapter.info ?? {};
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: driver === 'swiftshader' || /swiftshader|llvmpipe|lavapipe|software/i.test(text),
    driver,
  };
}

/**
 * Gives Node a WebGPU implementation (Dawn, from the optional `webgpu` package), registers the tfjs
 * webgpu backend (the optional `@tensorflow/tfjs-backend-webgpu`; it has every kernel training needs),
 * and makes it the active backend. Throws a typed AnlError saying what is missing and how to get it:
 * code NOT_FOUND for a package or the SwiftShader driver, UNSUPPORTED where Dawn finds no adapter.
 * A second call returns the first call's adapter (Dawn is set up once per process).
 */
export async function enableWebGpu(options: EnableWebGpuOptions = {}): Promise<WebGpuInfo> {
  const driver = options.driver ?? 'system';
  if (driver !== 'system' && driver !== 'swiftshader') {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `driver must be 'system' or 'swiftshader', got ${String(driver)}`,
      {
        argument: 'driver',
      },
    );
  }
  if (installed === undefined) {
    let loaderNote = '';
    if (driver === 'swiftshader') {
      const swiftShader = findSwiftShader();
      if (swiftShader === undefined) {
        throw new AnlError(
          'NOT_FOUND',
          "driver 'swiftshader' needs the SwiftShader Vulkan driver that Chromium ships (vk_swiftshader_icd.json " +
            'under /usr/lib/chromium or /opt/google/chrome): apt-get install chromium',
          { argument: 'driver' },
        );
      }
      if (useSwiftShader(swiftShader).loader === 'missing')
        loaderNote = ' No Vulkan loader (libvulkan.so.1) could be loaded.';
    } else if (process.platform === 'linux' && !hasSystemVulkanLoader()) {
      loaderNote = ' No Vulkan loader (libvulkan.so.1) was found on the library path.';
    }
    const dawn = await importDawn();
    const gpu = installNavigatorGpu(dawn, options.dawnOptions ?? []);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) {
      removeNavigatorGpu(); // leave no navigator.gpu without an adapter behind (tfjs would pick it up)
      throw new AnlError(
        'UNSUPPORTED',
        `WebGPU: Dawn found no GPU adapter.${loaderNote} ${NO_ADAPTER_HELP}`,
        {
          argument: 'driver',
        },
      );
    }
    installed = { gpu, info: describeAdapter(adapter, driver) };
  }
  await registerTfjsWebGpuBackend();
  if (options.setBackend !== false && getBackend() !== 'webgpu') {
    const ok = await setBackend('webgpu');
    if (!ok) {
      throw new AnlError(
        'UNSUPPORTED',
        `WebGPU: the tfjs webgpu backend failed to start. ${NO_ADAPTER_HELP}`,
        {
          argument: 'driver',
        },
      );
    }
  }
  return installed.info;
}

/**
 * Imports the tfjs webgpu backend. It registers itself on import only if `navigator.gpu` exists then;
 * if it was imported earlier (before Dawn was installed), register it here from its exported class.
 */
async function registerTfjsWebGpuBackend(): Promise<void> {
  let backendModule: {
    WebGPUBackend: { new (device: unknown, adapterInfo?: unknown): object; prototype: never };
  };
  try {
    backendModule = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as typeof backendModule;
  } catch (e) {
    throw missingPackage('@tensorflow/tfjs-backend-webgpu', e);
  }
  guardSyncReads(backendModule.WebGPUBackend.prototype);
  if (findBackendFactory('webgpu') !== null && findBackendFactory('webgpu') !== undefined) return;
  const gpu = installed?.gpu;
  registerBackend(
    'webgpu',
    async () => {
      const adapter = (await gpu?.requestAdapter({ powerPreference: 'high-performance' })) as
        | (AdapterLike & {
            requestDevice(d: object): Promise<unknown>;
            features: Set<string>;
            limits: Record<string, number>;
          })
        | null;
      if (!adapter) throw new Error('no WebGPU adapter');
      // The limits the stock factory asks for (the defaults cap a storage buffer at 128 MiB).
      const l = adapter.limits;
      const device = await adapter.requestDevice({
        requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new backendModule.WebGPUBackend(device, adapter.info) as never;
    },
    3,
  );
}
