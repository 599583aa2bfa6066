import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

export default defineConfig(anlTsupPreset({ index: 'src/index.ts' }));
