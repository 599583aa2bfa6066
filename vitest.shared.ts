import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Shared vitest settings; the `anl-source` condition resolves sibling packages from src/ so tests need no build. */
export default defineConfig({
  resolve: { conditions: ['anl-source'] },
  ssr: { resolve: { conditions: ['anl-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: [fileURLToPath(new URL('./vitest.determinism.ts', import.meta.url))],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
