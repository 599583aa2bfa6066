// One-off generator for the packages' package.json files (kept for adding packages later).
import { writeFileSync, mkdirSync } from 'node:fs';
const tfPeers = { '@tensorflow/tfjs-core': '^4.22.0', '@tensorflow/tfjs-layers': '^4.22.0' };
const pkgs = {
  core: { desc: 'Backend-neutral adversarial-noise algebra, the TensorOps contract, a reference implementation and a conformance kit. Zero dependencies.', deps: {}, peers: {}, entries: { index: 'src/index.ts', reference: 'src/reference/index.ts', conformance: 'src/conformance/index.ts' } },
  tfjs: { desc: 'TensorFlow.js adapter for @anl/core: noise layers, insert/strip, the ANL/CANL/LAT trainer.', deps: { '@anl/core': '0.1.0' }, peers: tfPeers, entries: { index: 'src/index.ts', node: 'src/node/index.ts', 'wasm-training': 'src/wasm-training/index.ts' }, optionalPeers: { '@tensorflow/tfjs-backend-wasm': '^4.22.0' } },
  ort: { desc: 'onnxruntime-node adapter for @anl/core and ONNX export of noise-free models.', deps: { '@anl/core': '0.1.0' }, peers: {}, entries: { index: 'src/index.ts' } },
  models: { desc: 'The papers\' networks (LeNet-5, VGG, ResNet, MobileNet, WM-CNN) and dataset loaders for @anl/tfjs.', deps: { '@anl/core': '0.1.0', '@anl/tfjs': '0.1.0' }, peers: tfPeers, entries: { index: 'src/index.ts', node: 'src/node/index.ts' } },
  attacks: { desc: 'FGSM, PGD, adversarial training and robustness reports against a minimal classifier interface.', deps: { '@anl/core': '0.1.0', '@anl/tfjs': '0.1.0' }, peers: tfPeers, entries: { index: 'src/index.ts' } },
};
for (const [name, p] of Object.entries(pkgs)) {
  const exportsMap = {};
  for (const [entry, src] of Object.entries(p.entries)) {
    const key = entry === 'index' ? '.' : `./${entry}`;
    exportsMap[key] = {
      'anl-source': `./${src}`,
      import: { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
      require: { types: `./dist/${entry}.d.cts`, default: `./dist/${entry}.cjs` },
    };
  }
  exportsMap['./package.json'] = './package.json';
  const json = {
    name: `@anl/${name}`,
    version: '0.1.0',
    description: p.desc,
    license: 'MIT',
    type: 'module',
    // @anl/tfjs registers its layers (and, opt-in, wasm kernels) with tfjs at import time.
    sideEffects: name === 'tfjs' ? ['./src/index.ts', './src/layers/*.ts', './src/wasm-training/*.ts', './dist/index.js', './dist/index.cjs', './dist/wasm-training.js', './dist/wasm-training.cjs'] : false,
    main: './dist/index.cjs',
    module: './dist/index.js',
    types: './dist/index.d.ts',
    exports: exportsMap,
    files: ['dist', 'src', '!src/**/*.test.ts', 'README.md'],
    scripts: {
      build: 'tsup',
      test: 'vitest run',
      typecheck: 'tsc --noEmit -p tsconfig.json',
    },
    dependencies: p.deps,
    ...(Object.keys(p.peers).length || p.optionalPeers ? { peerDependencies: { ...p.peers, ...(p.optionalPeers ?? {}) } } : {}),
    ...(p.optionalPeers ? { peerDependenciesMeta: Object.fromEntries(Object.keys(p.optionalPeers).map((k) => [k, { optional: true }])) } : {}),
    engines: { node: '>=20' },
  };
  mkdirSync(`packages/${name}/src`, { recursive: true });
  writeFileSync(`packages/${name}/package.json`, JSON.stringify(json, null, 2) + '\n');
  const entryObj = Object.fromEntries(Object.entries(p.entries));
  writeFileSync(`packages/${name}/tsup.config.ts`, `import { defineConfig } from 'tsup';\nimport { anlTsupPreset } from '../../tsup.preset';\n\nexport default defineConfig(anlTsupPreset(${JSON.stringify(entryObj)}));\n`);
  writeFileSync(`packages/${name}/tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'test'] }, null, 2) + '\n');
  writeFileSync(`packages/${name}/vitest.config.ts`, `export { default } from '../../vitest.shared';\n`);
}
