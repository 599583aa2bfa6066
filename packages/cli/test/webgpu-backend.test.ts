// `anl eval/attack --backend webgpu` (Dawn; Chromium's SwiftShader software GPU in CI) give the wasm
// backend's numbers for the same saved model. Skipped only where no WebGPU adapter exists.
import { join } from 'node:path';
import { AnlError } from '@anl/core';
import { enableWebGpu, findSwiftShader } from '@anl/tfjs/webgpu-node';
import { describe, expect, it } from 'vitest';
import { jsonOut, runAnl, tempDir } from './helpers';

const driver = findSwiftShader() !== undefined ? 'swiftshader' : 'system';

async function adapterMissing(): Promise<string | undefined> {
  try {
    await enableWebGpu({ driver, setBackend: false });
    return undefined;
  } catch (e) {
    if (!(e instanceof AnlError) || e.code !== 'UNSUPPORTED') throw e;
    const reason = `anl --backend webgpu tests skipped: no WebGPU adapter on this machine (${e.message})`;
    console.warn(reason);
    return reason;
  }
}

const skipReason = await adapterMissing();
const env = { ...process.env, ANL_WEBGPU_DRIVER: driver };

describe.skipIf(skipReason !== undefined)('anl --backend webgpu', () => {
  it("eval and attack (FGSM, APGD-CE) give wasm's numbers for the same saved model", async () => {
    const dir = tempDir('webgpu');
    const modelDir = join(dir, 'model');
    const trained = await runAnl([
      'train',
      '--backend',
      'wasm',
      '--epochs',
      '1',
      '--lr',
      '0.005',
      '--batch',
      '64',
      '--train-limit',
      '1024',
      '--test-limit',
      '16',
      '--save-model',
      modelDir,
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const run = (backend: string, args: string[]) =>
      runAnl([...args, '--model-dir', modelDir, '--backend', backend, '--test-limit', '6', '--json'], {
        env,
      });
    const evalArgs = ['eval'];
    const attackArgs = ['attack', '--attack', 'fgsm,apgd-ce', '--eps', '0,0.1', '--pgd-steps', '2'];
    const wasmAttack = await run('wasm', attackArgs);
    const [gpuEval, gpuAttack] = [await run('webgpu', evalArgs), await run('webgpu', attackArgs)];
    for (const r of [wasmAttack, gpuEval, gpuAttack]) expect(r.code, r.stderr).toBe(0);
    expect(gpuEval.stderr).toMatch(/backend: webgpu on .*\[forced\]/);
    const rows = (r: typeof wasmAttack) =>
      (jsonOut(r).results as { attack: string; rows: { accuracy: number }[] }[]).map((a) => [
        a.attack,
        a.rows.map((row) => row.accuracy),
      ]);
    expect(rows(gpuAttack)).toEqual(rows(wasmAttack));
    // Eps 0 is no attack: wasm's clean accuracy on the same 6 images is webgpu's eval.
    const apgd = rows(wasmAttack)[1][1] as number[];
    expect(jsonOut(gpuEval)).toMatchObject({ backend: 'webgpu', nTest: 6 });
    expect(jsonOut(gpuEval).error as number).toBeCloseTo(1 - apgd[0], 12);
    // The model is better than chance and the attack lowered its accuracy: not a comparison of zeros.
    expect(apgd[0]).toBeGreaterThan(0.5);
    expect(apgd[1]).toBeLessThan(apgd[0]);
    // A bad driver name is refused with a typed error naming the variable.
    const bad = await runAnl(['eval', '--model-dir', modelDir, '--backend', 'webgpu'], {
      env: { ...process.env, ANL_WEBGPU_DRIVER: 'gpu' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/INVALID_ARGUMENT.*ANL_WEBGPU_DRIVER/);
  });
});
