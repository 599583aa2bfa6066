import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

export default defineConfig(anlTsupPreset({"index":"src/index.ts","reference":"src/reference/index.ts","conformance":"src/conformance/index.ts"}));
