import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

// shims: import.meta.url in the CJS build, used to find the embedded data folder.
// `@anl/models` stays external so the `onnx` entry registers the main bundle's layer classes.
export default defineConfig(
  anlTsupPreset(
    { index: 'src/index.ts', node: 'src/node/index.ts', onnx: 'src/onnx/index.ts' },
    { shims: true, external: ['@anl/models'] },
  ),
);
