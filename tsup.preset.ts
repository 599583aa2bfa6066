import type { Options } from 'tsup';

/** The one build every package shares: ESM + CJS + .d.ts + sourcemaps, no bundling of dependencies. */
export function anlTsupPreset(entry: Record<string, string>, overrides: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}
