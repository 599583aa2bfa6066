// The @anl/tfjs/webgpu-node entry: optional packages stay unloaded, and every failure is a typed error.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnlError } from '@anl/core';
import { afterAll, describe, expect, it } from 'vitest';
import { enableWebGpu } from './enable-webgpu';
import { probeTrainingBackends } from './probe-backends';
import { findSwiftShader } from './software-vulkan';
import { startWebGpuForTests } from './webgpu-for-tests.test-helpers';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(packageDir, 'dist');
const scratch = mkdtempSync(join(tmpdir(), 'anl-webgpu-entry-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs an ES module in a fresh node (built package, as a user gets it); returns its stdout. */
function runNode(source: string, env: Record<string, string> = {}): string {
  if (!existsSync(join(dist, 'webgpu-node.js'))) throw new Error('build @anl/tfjs first (npm run build)');
  const file = join(packageDir, `.webgpu-entry-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  try {
    return execFileSync(process.execPath, [file], { env: { ...process.env, ...env }, encoding: 'utf8' });
  } finally {
    rmSync(file, { force: true });
  }
}

/** A resolve hook that makes `name` look uninstalled, registered before the test's own imports. */
const hideFromResolve = (name: string) => `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (specifier === ${JSON.stringify(name)}) {
    const e = new Error("Cannot find package '${name}'"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e;
  }
  return next(specifier, context);
}\`));
`;

const gpu = await startWebGpuForTests();

describe('@anl/tfjs/webgpu-node', () => {
  it('importing @anl/tfjs and its other entries loads neither Dawn nor the tfjs webgpu backend', () => {
    const out = runNode(`
      import { readFileSync } from 'node:fs';
      import { createRequire } from 'node:module';
      await import('@anl/tfjs'); await import('@anl/tfjs/node'); await import('@anl/tfjs/webgpu-node');
      const require = createRequire(import.meta.url);
      require('@anl/tfjs'); require('@anl/tfjs/webgpu-node');
      const tf = await import('@tensorflow/tfjs-core');
      console.log(JSON.stringify({
        dawn: readFileSync('/proc/self/maps', 'utf8').includes('dawn.node'),
        cjs: Object.keys(require.cache).filter((k) => /tfjs-backend-webgpu|node_modules.webgpu/.test(k)),
        webgpuBackend: tf.findBackendFactory('webgpu') != null,
        navigatorGpu: globalThis.navigator?.gpu !== undefined,
      }));`);
    expect(JSON.parse(out)).toEqual({ dawn: false, cjs: [], webgpuBackend: false, navigatorGpu: false });
  });

  it('says which package is missing, and how to install it', () => {
    for (const [name, install] of [
      ['webgpu', 'npm install webgpu'],
      ['@tensorflow/tfjs-backend-webgpu', 'npm install @tensorflow/tfjs-backend-webgpu@4.22.0'],
    ]) {
      const out = runNode(`${hideFromResolve(name)}
        const { enableWebGpu } = await import('@anl/tfjs/webgpu-node');
        try { await enableWebGpu({ driver: ${gpu.info ? `'${gpu.info.driver}'` : "'system'"} }); console.log('no error'); }
        catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, argument: e.argument, message: e.message })); }`);
      const error = JSON.parse(out);
      if (name === '@tensorflow/tfjs-backend-webgpu' && gpu.skipReason !== undefined) {
        expect(error.code).toBe('UNSUPPORTED'); // no adapter is found before the backend is imported
        continue;
      }
      expect(error).toMatchObject({ name: 'AnlError', code: 'NOT_FOUND', argument: name });
      expect(error.message).toContain(install);
    }
  });

  it('without a Vulkan driver: UNSUPPORTED, with the SwiftShader hint', () => {
    const out = runNode(
      `const { enableWebGpu } = await import('@anl/tfjs/webgpu-node');
       try { await enableWebGpu(); console.log('no error'); }
       catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, gpu: globalThis.navigator?.gpu !== undefined })); }`,
      {
        VK_ICD_FILENAMES: join(scratch, 'no-such-icd.json'),
        VK_DRIVER_FILES: join(scratch, 'no-such-icd.json'),
      },
    );
    const error = JSON.parse(out);
    expect(error).toMatchObject({ name: 'AnlError', code: 'UNSUPPORTED', gpu: false });
    expect(error.message).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json');
  });

  it('refuses an unknown driver by name', async () => {
    await expect(enableWebGpu({ driver: 'cuda' as 'system' })).rejects.toMatchObject({
      name: 'AnlError',
      code: 'INVALID_ARGUMENT',
      argument: 'driver',
    });
  });

  it('finds a SwiftShader install with its loader, and nothing where there is none', () => {
    const dir = join(scratch, 'chromium');
    rmSync(dir, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', dir]);
    expect(findSwiftShader([dir])).toBeUndefined();
    writeFileSync(join(dir, 'vk_swiftshader_icd.json'), '{}');
    expect(findSwiftShader([join(scratch, 'none'), dir])).toEqual({
      icd: join(dir, 'vk_swiftshader_icd.json'),
    });
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    expect(findSwiftShader([dir])).toEqual({
      icd: join(dir, 'vk_swiftshader_icd.json'),
      loader: join(dir, 'libvulkan.so.1'),
    });
  });

  it('probe: refuses bad options by name', async () => {
    await expect(probeTrainingBackends({ candidates: ['tpu' as 'cpu'] })).rejects.toBeInstanceOf(AnlError);
    await expect(probeTrainingBackends({ steps: 0 })).rejects.toMatchObject({ argument: 'steps' });
  });

  it('probe: picks the fastest backend that starts; a software GPU is reported but not timed', async () => {
    const lines: string[] = [];
    const probe = await probeTrainingBackends({
      candidates: ['wasm', 'webgpu'],
      steps: 2,
      warmup: 1,
      batchSize: 16,
      webgpu: { driver: findSwiftShader() !== undefined ? 'swiftshader' : 'system' },
      log: (l) => lines.push(l),
    });
    const wasm = probe.results.find((r) => r.backend === 'wasm');
    const webgpu = probe.results.find((r) => r.backend === 'webgpu');
    expect(wasm?.available).toBe(true);
    expect(wasm?.msPerStep).toBeGreaterThan(0);
    expect(webgpu?.available).toBe(gpu.skipReason === undefined);
    if (webgpu?.software) {
      expect(webgpu.msPerStep).toBeUndefined();
      expect(probe.chosen).toBe('wasm');
    } else if (webgpu?.msPerStep !== undefined) {
      expect(probe.chosen).toBe(
        (webgpu.msPerStep as number) < (wasm?.msPerStep as number) ? 'webgpu' : 'wasm',
      );
    } else {
      expect(probe.chosen).toBe('wasm');
    }
    expect(lines.at(-1)).toBe(`chosen: ${probe.chosen}`);
    const tf = await import('@tensorflow/tfjs-core');
    expect(tf.getBackend()).toBe(probe.chosen);
  });
});
