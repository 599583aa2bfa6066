import { defineConfig } from 'tsup';
import { anlTsupPreset } from '../../tsup.preset';

// `@anl/tfjs` stays external so the `node` and `onnx` entries import the main bundle instead of
// copying it (one NoiseLayer class per program; see src/node/index.ts).
export default defineConfig(
  anlTsupPreset(
    {
      index: 'src/index.ts',
      node: 'src/node/index.ts',
      'training-kernels': 'src/wasm-training/index.ts',
      'wasm-training': 'src/wasm-training/deprecated-alias.ts',
      onnx: 'src/onnx/index.ts',
      'webgpu-node': 'src/webgpu-node/index.ts',
      workers: 'src/workers/index.ts',
      'workers-worker': 'src/workers/worker-main.ts',
    },
    { external: ['@anl/tfjs'] },
  ),
);
