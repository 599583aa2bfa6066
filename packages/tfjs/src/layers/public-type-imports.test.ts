import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A deep import like `@tensorflow/tfjs-layers/dist/engine/topology` ends up in the published `.d.ts`
// and fails with TS2307 for users on moduleResolution node16/nodenext (tfjs has no `exports` map).
// The consumer check (scripts/consumer-check.mjs) type-checks the packed packages; this catches it early.
const packagesDir = new URL('../../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.test') ? [path] : [];
  });
}

describe('published sources import dependencies only through their public entry points', () => {
  it('no package source imports a deep dist/ or src/ path of a @tensorflow package', () => {
    const offenders = readdirSync(packagesDir).flatMap((pkg) => {
      let files: string[] = [];
      try {
        files = sourceFiles(join(packagesDir, pkg, 'src'));
      } catch {
        return [];
      }
      return files.filter((file) =>
        /from '@tensorflow\/[^']+\/(dist|src)\//.test(readFileSync(file, 'utf8')),
      );
    });
    expect(offenders).toEqual([]);
  });
});
