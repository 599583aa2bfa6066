import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

// No tsup shims: their file would appear in the CJS source map without being shipped.
// src/node/this-file.ts finds the module's own path in both builds instead.
// `@anl/models` stays external so the `onnx` entry registers the main bundle's layer classes.
export default defineConfig(
  anlTsupPreset(
    { index: 'src/index.ts', node: 'src/node/index.ts', onnx: 'src/onnx/index.ts' },
    {
      external: ['@anl/models'],
      esbuildOptions(options) {
        options.sourcesContent = false;
        // The CJS build never evaluates import.meta (it reads __filename first).
        options.logOverride = { ...options.logOverride, 'empty-import-meta': 'silent' };
      },
    },
  ),
);
