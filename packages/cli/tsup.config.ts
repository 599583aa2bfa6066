import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

// `main` is the bin's light entry; splitting keeps tfjs and vega behind the dynamic imports of the
// commands' run functions, so `anl --help` and argument errors answer without loading them.
export default defineConfig(
  anlTsupPreset({ index: 'src/index.ts', main: 'src/main.ts' }, { splitting: true }),
);
