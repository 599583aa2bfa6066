import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs against the BUILT packages (dist/): turbo builds @anl/core and @anl/tfjs before these tests.
// A child process, because vitest resolves both builds to the sources and would hide the hazard.
describe('ESM and CJS builds loaded in one process', () => {
  it('share AnlError, NoiseLayer and ParametricNoiseLayer for instanceof', () => {
    const probe = fileURLToPath(new URL('./fixtures/dual-build-probe.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [probe], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({
      twoCopies: true,
      cjsErrorIsEsmAnlError: true,
      esmErrorIsCjsAnlError: true,
      plainErrorIsNot: true,
      cjsLayerIsEsmNoiseLayer: true,
      esmLayerIsCjsNoiseLayer: true,
      cjsPniIsEsmPni: true,
      pniIsNotNoiseLayer: true,
    });
  });
});
