import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

// shims: import.meta.url in the CJS build, used to find the embedded data folder.
export default defineConfig(
  anlTsupPreset({ index: 'src/index.ts', node: 'src/node/index.ts' }, { shims: true }),
);
