import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where browsers keep the SwiftShader Vulkan driver (a CPU implementation of Vulkan) and a Vulkan loader. */
const SWIFTSHADER_DIRS: readonly string[] = [
  '/usr/lib/chromium', // Debian, Ubuntu (deb) chromium
  '/usr/lib64/chromium-browser', // Fedora
  '/usr/lib/chromium-browser',
  '/opt/google/chrome',
  '/snap/chromium/current/usr/lib/chromium-browser',
];

/** A SwiftShader Vulkan driver found on disk, with the loader shipped beside it (if any). */
export interface SwiftShaderLocation {
  /** The ICD manifest to put in `VK_ICD_FILENAMES`. */
  readonly icd: string;
  /** The Vulkan loader (libvulkan.so.1) the browser ships beside it, used when the system has none. */
  readonly loader?: string;
}

/** Finds a browser's SwiftShader Vulkan driver (`vk_swiftshader_icd.json`); undefined where none is installed. */
export function findSwiftShader(dirs: readonly string[] = SWIFTSHADER_DIRS): SwiftShaderLocation | undefined {
  for (const dir of dirs) {
    const icd = join(dir, 'vk_swiftshader_icd.json');
    if (!existsSync(icd)) continue;
    const loader = join(dir, 'libvulkan.so.1');
    return existsSync(loader) ? { icd, loader } : { icd };
  }
  return undefined;
}

// glibc's RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE (node's os.constants.dlopen lacks NODELETE).
const RTLD_NOW_GLOBAL_NODELETE = 0x2 | 0x100 | 0x1000;

/**
 * Loads a shared library into the process for good, so that Dawn's later `dlopen('libvulkan.so.1')`
 * finds it by its soname. `process.dlopen` is node's addon loader: on a plain library it throws
 * "did not self-register" after loading it, and RTLD_NODELETE keeps it loaded. Returns false when the
 * library could not be loaded at all (not found, wrong architecture).
 */
export function preloadSharedLibrary(path: string): boolean {
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, path, RTLD_NOW_GLOBAL_NODELETE);
    return true;
  } catch (e) {
    return /self-register/.test(String((e as Error).message));
  }
}

/**
 * Points the Vulkan loader at SwiftShader: sets `VK_ICD_FILENAMES` (read when Dawn creates its Vulkan
 * instance, so setting it in-process works), gives `XDG_RUNTIME_DIR` a private folder when unset (the
 * loader and SwiftShader look there), and loads the browser's own libvulkan.so.1 when the system has no
 * loader (the `libvulkan1` package). Variables already set by the user are left alone.
 */
export function useSwiftShader(location: SwiftShaderLocation): { loader: 'system' | 'missing' | string } {
  process.env.VK_ICD_FILENAMES ??= location.icd;
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'anl-xdg-'));
  if (preloadSharedLibrary('libvulkan.so.1')) return { loader: 'system' };
  if (location.loader !== undefined && preloadSharedLibrary(location.loader))
    return { loader: location.loader };
  return { loader: 'missing' };
}

/** Whether a Vulkan loader (libvulkan.so.1) can be loaded from the library search path. */
export function hasSystemVulkanLoader(): boolean {
  return preloadSharedLibrary('libvulkan.so.1');
}
