import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const wasmDir = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
const dataDir = join(packageDir('@anl/models'), 'data');

/** Files the page fetches at run time: tfjs's wasm binaries and the Fashion-MNIST subset with its licence. */
const STATIC_FILES: Record<string, string> = {
  'tfjs-wasm/tfjs-backend-wasm.wasm': join(wasmDir, 'tfjs-backend-wasm.wasm'),
  'tfjs-wasm/tfjs-backend-wasm-simd.wasm': join(wasmDir, 'tfjs-backend-wasm-simd.wasm'),
  'tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm': join(wasmDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
  'data/README.md': join(dataDir, 'README.md'),
  ...Object.fromEntries(
    [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ].map((f) => [`data/fashion-mnist-subset/${f}`, join(dataDir, 'fashion-mnist-subset', f)]),
  ),
};

/** Serves STATIC_FILES in dev and writes them into the build, straight from the packages that own them. */
function staticFiles(): Plugin {
  return {
    name: 'anl-playground-static-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\//, '');
        const source = STATIC_FILES[path];
        if (source === undefined) return next();
        res.setHeader('Content-Type', contentType(path));
        res.end(readFileSync(source));
      });
    },
    generateBundle() {
      for (const [fileName, source] of Object.entries(STATIC_FILES)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
      }
    },
  };
}

function contentType(path: string): string {
  if (path.endsWith('.wasm')) return 'application/wasm';
  if (path.endsWith('.md')) return 'text/markdown; charset=utf-8';
  return 'application/octet-stream';
}

export default defineConfig({
  // Relative URLs: the built site works from any folder of any static host.
  base: './',
  plugins: [staticFiles()],
  resolve: { dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
