import type { Options } from 'tsup';

/**
 * The one build every package shares: ESM + CJS + .d.ts + sourcemaps, no bundling of dependencies.
 * The maps point at the shipped `src/` (no `sourcesContent`): one copy of each source in the tarball.
 */
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
    esbuildOptions(options) {
      options.sourcesContent = false;
    },
    ...overrides,
  };
}
