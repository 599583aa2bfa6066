import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Exporting must not load the native onnxruntime binding, so @anl/onnx must never import it, even
// indirectly. This test sits in @anl/ort because here onnxruntime-node is installed, which the
// positive controls need (they show the checks do catch a load). Children import the BUILT
// packages, as a user's program does.

const dir = mkdtempSync(join(tmpdir(), 'anl-onnx-load-'));
// An ESM resolve hook that fails any import whose resolved URL is inside onnxruntime.
const hooks = join(dir, 'hooks.mjs');
writeFileSync(
  hooks,
  `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.includes('onnxruntime')) throw new Error('LOADED ' + resolved.url);
  return resolved;
}
`,
);
const register = join(dir, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function esmChild(specifier: string) {
  return spawnSync(
    process.execPath,
    ['--import', pathToFileURL(register).href, '--input-type=module', '-e', `await import('${specifier}');`],
    { cwd: process.cwd(), encoding: 'utf8' },
  );
}

function cjsChild(specifier: string) {
  const code = `require('${specifier}');
const loaded = Object.keys(require.cache).filter((k) => k.includes('onnxruntime'));
console.log(JSON.stringify(loaded));`;
  return spawnSync(process.execPath, ['--input-type=commonjs', '-e', code], {
    cwd: process.cwd(),
    encoding: 'utf8',
  });
}

describe('importing @anl/onnx loads no onnxruntime module', () => {
  it('ESM: no import inside onnxruntime is ever resolved', () => {
    const child = esmChild('@anl/onnx');
    expect(child.stderr).not.toMatch(/LOADED/);
    expect(child.status).toBe(0);
    // Control: the same hook stops an import of onnxruntime-node.
    const control = esmChild('onnxruntime-node');
    expect(control.status).not.toBe(0);
    expect(control.stderr).toMatch(/LOADED .*onnxruntime/);
  });

  it('CommonJS: require.cache holds no onnxruntime module', () => {
    const child = cjsChild('@anl/onnx');
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual([]);
    const control = cjsChild('onnxruntime-node');
    expect(control.status, control.stderr).toBe(0);
    expect(JSON.parse(control.stdout).length).toBeGreaterThan(0);
  });
});
