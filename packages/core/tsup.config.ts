import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

// splitting: the three entries share one copy of the core code (one AnlError class, so
// `instanceof AnlError` holds for errors thrown from '@anl/core/reference' too).
export default defineConfig(
  anlTsupPreset(
    { index: 'src/index.ts', reference: 'src/reference/index.ts', conformance: 'src/conformance/index.ts' },
    { splitting: true },
  ),
);
