#!/usr/bin/env node
/**
 * What a user gets from npm, checked the way a user gets it (run after `npx turbo run build`):
 *
 *  1. package-lock.json records every platform's binaries of biome, rollup and turbo.
 *  2. Each package is packed (`npm pack`); its tarball must hold LICENSE, no tests, and source maps
 *     whose sources are all in the tarball (no embedded copies beside shipped src/).
 *  3. publint and @arethetypeswrong/cli on every tarball.
 *  4. The tarballs are installed into a fresh project (with only the third-party packages the READMEs'
 *     `npm install` lines name), with an ESM and a CJS sub-project; a file importing every public
 *     subpath is type-checked under moduleResolution node16, nodenext and bundler, compiled and run.
 *
 * Usage: node scripts/consumer-check.mjs [--keep]   (env CONSUMER_CHECK_SKIP=ort,... to skip packages)
 * Needs the npm registry for the third-party packages (npm's cache is used first).
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(repo, 'node_modules', '.bin', name);
const keep = process.argv.includes('--keep');

// Every package is checked; CONSUMER_CHECK_SKIP=name,... leaves some out. The install runs with
// --ignore-scripts, as the @anl/ort README's allowScripts / ONNXRUNTIME_NODE_INSTALL=skip advice
// amounts to (onnxruntime-node's script would fetch CUDA binaries, which fails offline).
const skip = new Set((process.env.CONSUMER_CHECK_SKIP ?? '').split(',').filter(Boolean));

const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(`  FAIL ${message}`);
};
const step = (title) => console.log(`\n== ${title}`);

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function tryRun(label, cmd, args, options) {
  try {
    const out = run(cmd, args, options);
    console.log(`  ok   ${label}`);
    return out;
  } catch (error) {
    fail(`${label}\n${error.stdout ?? ''}${error.stderr ?? ''}`.trimEnd());
    return null;
  }
}

// 1. Lockfile ------------------------------------------------------------------------------------
step('package-lock.json: every platform binary of biome, rollup, turbo');
{
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')).packages;
  for (const parent of ['@biomejs/biome', 'rollup', 'turbo']) {
    const entry = lock[`node_modules/${parent}`];
    if (entry === undefined) {
      fail(`${parent} is not in package-lock.json`);
      continue;
    }
    const optional = Object.keys(entry.optionalDependencies ?? {}).filter((n) => n !== 'fsevents');
    const missing = optional.filter((name) => lock[`node_modules/${name}`] === undefined);
    if (missing.length > 0) fail(`${parent}: lockfile lacks ${missing.join(', ')}`);
    else console.log(`  ok   ${parent}: ${optional.length} platform packages recorded`);
  }
}

// 2. Pack and inspect ----------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'anl-consumer-'));
const packs = join(work, 'packs');
mkdirSync(packs);
const packages = readdirSync(join(repo, 'packages'))
  .filter((dir) => existsSync(join(repo, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => pkg.private !== true);
for (const { dir } of packages)
  if (skip.has(dir)) console.log(`\n(skipping packages/${dir}: CONSUMER_CHECK_SKIP)`);
const checked = packages.filter(({ dir }) => !skip.has(dir));

step('npm pack and tarball contents');
for (const p of checked) {
  const out = run('npm', ['pack', '--json', '--pack-destination', packs], {
    cwd: join(repo, 'packages', p.dir),
  });
  const info = JSON.parse(out.slice(out.indexOf('[')))[0];
  p.tarball = join(packs, info.filename);
  const files = new Set(info.files.map((f) => f.path));
  const name = p.pkg.name;
  if (!files.has('LICENSE')) fail(`${name}: no LICENSE in the tarball`);
  for (const f of files) {
    if (/\.test\.ts$|test-helpers\.ts$/.test(f)) fail(`${name}: ships test file ${f}`);
  }
  const extracted = join(work, 'extract', p.dir);
  mkdirSync(extracted, { recursive: true });
  run('tar', ['xzf', p.tarball, '-C', extracted]);
  p.extracted = join(extracted, 'package');
  for (const f of files) {
    if (!f.endsWith('.map')) continue;
    const map = JSON.parse(readFileSync(join(p.extracted, f), 'utf8'));
    if (Array.isArray(map.sourcesContent) && map.sourcesContent.some((s) => s != null)) {
      fail(`${name}: ${f} embeds sourcesContent although src/ ships beside it`);
    }
    for (const source of map.sources) {
      const target = normalize(posix.join(posix.dirname(f), source));
      if (!files.has(target)) fail(`${name}: ${f} points at ${source}, which is not in the tarball`);
    }
  }
  // Every runtime dependency must be used by the shipped code (an unused one is installed for nothing).
  const shipped = [...files]
    .filter((f) => /^dist\/.*\.(c?js)$/.test(f))
    .map((f) => readFileSync(join(p.extracted, f), 'utf8'));
  for (const dep of Object.keys(p.pkg.dependencies ?? {})) {
    if (
      !shipped.some(
        (code) =>
          code.includes(`'${dep}'`) ||
          code.includes(`"${dep}"`) ||
          code.includes(`'${dep}/`) ||
          code.includes(`"${dep}/`),
      )
    ) {
      fail(`${name}: depends on ${dep}, which its dist/ never imports`);
    }
  }
  if (p.dir === 'models' && !files.has('data/fashion-mnist-subset/LICENSE')) {
    fail(`${name}: the embedded Fashion-MNIST subset ships without its licence notice`);
  }
  console.log(`  ok   ${name}: ${files.size} files, ${(info.size / 1024).toFixed(0)} KiB packed`);
}

// 3. publint and attw ----------------------------------------------------------------------------
step('publint --strict and @arethetypeswrong/cli');
for (const p of checked) {
  tryRun(`publint ${p.pkg.name}`, bin('publint'), ['run', p.extracted, '--strict']);
  // cjs-resolves-to-esm: "type": "module" packages whose CJS build is .cjs are fine; attw checks the rest.
  tryRun(`attw ${p.pkg.name}`, bin('attw'), [p.tarball, '--format', 'ascii', '--profile', 'node16']);
}

// 4. Install into fresh ESM and CJS projects ---------------------------------------------------
step('install the tarballs into a fresh project');
const thirdParty = new Map();
for (const readme of [
  join(repo, 'README.md'),
  ...checked.map((p) => join(repo, 'packages', p.dir, 'README.md')),
]) {
  if (!existsSync(readme)) continue;
  for (const line of readFileSync(readme, 'utf8').split('\n')) {
    const m = /^\s*npm (?:install|i) ([^#`&;|]+)/.exec(line); // the install command only, not `&& npm test`
    if (m === null) continue;
    for (const name of m[1].trim().split(/\s+/)) {
      if (name.startsWith('-') || name.startsWith('@anl/')) continue;
      if (!/^(@[a-z0-9-]+\/)?[a-z0-9.-]+(@.+)?$/.test(name)) continue;
      // Pinned to the tfjs release the packages are tested with.
      thirdParty.set(
        name,
        name.startsWith('@tensorflow/') && !name.slice(1).includes('@') ? `${name}@4.22.0` : name,
      );
    }
  }
}
const project = join(work, 'project');
mkdirSync(project);
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
const installArgs = [
  'install',
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  '--ignore-scripts',
  ...checked.map((p) => p.tarball),
  ...thirdParty.values(),
];
console.log(`  npm ${installArgs.map((a) => a.replace(work, '$TMP')).join(' ')}`);
const installed = tryRun('npm install', 'npm', installArgs, { cwd: project }) !== null;

const subpaths = checked.flatMap((p) =>
  Object.keys(p.pkg.exports ?? { '.': null })
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? p.pkg.name : `${p.pkg.name}/${key.slice(2)}`)),
);
console.log(`  subpaths: ${subpaths.join(', ')}`);

/** The consumer program: every subpath imported, a typed use of the main APIs, a few runtime checks. */
function consumerSource() {
  const has = (s) => subpaths.includes(s);
  const lines = [
    "import '@tensorflow/tfjs-backend-cpu';",
    ...subpaths.map((s, i) => `import * as sub${i} from '${s}';`),
    "import * as tf from '@tensorflow/tfjs';",
    has('@anl/core') ? "import { AnlError } from '@anl/core';" : '',
    has('@anl/tfjs') ? "import { noiseLayer, NoiseLayer } from '@anl/tfjs';" : '',
    has('@anl/models/node') ? "import { loadFashionMnist } from '@anl/models/node';" : '',
    '',
    'async function main(): Promise<void> {',
    "  await tf.setBackend('cpu');",
    `  const exported: Record<string, number> = { ${subpaths.map((s, i) => `'${s}': Object.keys(sub${i}).length`).join(', ')} };`,
    '  for (const [name, count] of Object.entries(exported)) if (count === 0) throw new Error(`${name} exports nothing`);',
  ];
  if (has('@anl/tfjs')) {
    lines.push(
      "  const layer = noiseLayer({ method: 'anl', name: 'n' });",
      "  if (!(layer instanceof NoiseLayer) || layer.name !== 'n') throw new Error('noiseLayer');",
      '  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 }), layer] });',
      '  const y = model.predict(tf.ones([1, 3])) as tf.Tensor;',
      "  if (y.shape.join() !== '1,2') throw new Error('predict');",
    );
  }
  if (has('@anl/core') && has('@anl/tfjs')) {
    lines.push(
      '  try {',
      '    noiseLayer(null as never);',
      "    throw new Error('noiseLayer(null) did not throw');",
      '  } catch (error) {',
      "    if (!(error instanceof AnlError)) throw new Error('noiseLayer(null) threw no AnlError');",
      '  }',
    );
  }
  if (has('@anl/models/node')) {
    lines.push(
      "  const data = await loadFashionMnist({ source: 'embedded', trainLimit: 10, testLimit: 10 });",
      "  if (data.train.xs.shape.join() !== '10,28,28,1') throw new Error('embedded Fashion-MNIST');",
    );
  }
  lines.push(
    "  console.log('consumer ok');",
    '}',
    '',
    'main().catch((error) => {',
    '  console.error(error);',
    '  process.exit(1);',
    '});',
    '',
  );
  return lines.filter((l) => l !== '').join('\n');
}

if (installed) {
  step('type-check under node16, nodenext and bundler, then run (ESM and CJS)');
  const source = consumerSource();
  for (const kind of ['esm', 'cjs']) {
    const sub = join(project, kind);
    mkdirSync(sub);
    writeFileSync(
      join(sub, 'package.json'),
      JSON.stringify({ type: kind === 'esm' ? 'module' : 'commonjs' }),
    );
    writeFileSync(join(sub, 'index.ts'), source);
    for (const resolution of ['node16', 'nodenext', 'bundler']) {
      const tsconfig = {
        compilerOptions: {
          target: 'es2022',
          module: resolution === 'bundler' ? 'esnext' : resolution,
          moduleResolution: resolution,
          strict: true,
          skipLibCheck: true, // tfjs's own .d.ts do not pass strict lib checks
          types: ['node'],
          typeRoots: [join(repo, 'node_modules', '@types')],
          lib: ['es2022', 'dom'],
          outDir: `out-${resolution}`,
          noEmit: resolution === 'bundler',
        },
        files: ['index.ts'],
      };
      writeFileSync(join(sub, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig, null, 2));
      tryRun(
        `${kind} tsc moduleResolution ${resolution}`,
        bin('tsc'),
        ['-p', `tsconfig.${resolution}.json`],
        { cwd: sub },
      );
    }
    for (const resolution of ['node16', 'nodenext']) {
      const out = tryRun(
        `${kind} node out-${resolution}/index.js`,
        process.execPath,
        [`out-${resolution}/index.js`],
        {
          cwd: sub,
        },
      );
      if (out !== null && !out.includes('consumer ok')) fail(`${kind} ${resolution}: program did not finish`);
    }
  }
}

if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`\nkept ${work}`);
if (failures.length > 0) {
  console.error(`\nconsumer check: ${failures.length} failure(s)`);
  process.exit(1);
}
console.log('\nconsumer check: all passed');
