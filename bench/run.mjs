#!/usr/bin/env node
// npm run bench: step and epoch times of baseline / ANL / CANL / LAT / Gaussian training on the tfjs cpu
// and wasm backends, in one process, same model / batch / data / weights; PyTorch alongside when present.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { parseArgs, USAGE } from './lib/args.mjs';
import { useBackend } from './lib/backends.mjs';
import { timeEpoch } from './lib/epoch-timer.mjs';
import { runPytorchReference } from './lib/pytorch.mjs';
import { toMarkdown } from './lib/report.mjs';
import { timeStepsInterleaved } from './lib/step-timer.mjs';
import { disposeBatches, disposeWorkload, fixedBatches, loadWorkload } from './lib/workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// `npm run bench -- --workers [N] [options]`: the worker-threads bench (bench/workers.mjs) instead.
if (process.argv.includes('--workers')) {
  await import('./workers.mjs');
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

const tfjsVersion = JSON.parse(
  readFileSync(join(here, '..', 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'), 'utf8'),
).version;
const results = {
  date: new Date().toISOString(),
  argv: process.argv.slice(2),
  options: opts,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown cpu',
    loadAvg: loadavg().map((x) => Number(x.toFixed(2))),
    node: process.versions.node,
    tfjs: tfjsVersion,
  },
  runs: [],
  accuracy: null,
  pytorch: null,
  notes: [],
};

/** Weights as plain arrays, so every backend starts from the very same numbers. */
const snapshot = (model) => model.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync().slice() }));
const restore = (model, snap) => {
  const ts = snap.map((s) => tf.tensor(s.values, s.shape));
  model.setWeights(ts);
  return ts;
};

const trainLimit = opts.trainLimit ?? (opts.quick || opts.epoch === 'subset' ? 6000 : undefined);
const workloads = new Map();
const snapshots = new Map();
for (const name of opts.models) {
  log(`loading ${name}`);
  const w = await loadWorkload(name, {
    trainLimit: name === 'resnet20' ? opts.trainLimit : trainLimit,
    testLimit: opts.testLimit,
  });
  workloads.set(name, w);
  if (w.source === 'embedded')
    results.notes.push('Fashion-MNIST: the embedded 6,000-image subset (full set not found).');
}

let skippedCpuResnet = false;
const configs = [...opts.backends];
if (opts.stockCpu) configs.unshift('cpu-stock');
for (const config of configs) {
  const { backend, label, adapter } = await useBackend(config, { webgpuDriver: opts.webgpuDriver });
  log(`backend ${config} (${backend}): ${label}`);
  if (adapter) results.machine.webgpuAdapter = adapter;
  for (const [name, w] of workloads) {
    const isCpu = config === 'cpu' || config === 'cpu-stock';
    let steps = isCpu ? opts.cpuSteps : config === 'webgpu' ? opts.gpuSteps : opts.steps;
    let methods = opts.methods;
    if (config === 'cpu-stock') {
      steps = 2;
      methods = methods.filter((m) => m === 'none');
      if (name !== 'lenet5') continue;
    }
    if (isCpu && name === 'resnet20') {
      // One ResNet-20 step on the cpu backend takes minutes (its Conv2D and BatchNorm kernels are scalar loops).
      skippedCpuResnet = true;
      continue;
    }
    if (name === 'resnet20' && !isCpu) steps = Math.min(steps, opts.quick ? 3 : 10);
    const warmup = isCpu ? 1 : opts.warmup;
    const model = w.build();
    if (!snapshots.has(name)) snapshots.set(name, snapshot(model));
    const initial = restore(model, snapshots.get(name));
    const batches = fixedBatches(w, w.batchSize, Math.min(steps + warmup + 1, 24));
    const run = {
      workload: name,
      title: w.title,
      backend: config,
      label,
      batchSize: batches[0].batchSize,
      steps: [],
      epochs: [],
    };
    log(
      `${config} ${name} ${methods.join(', ')}: ${warmup} warm-up + ${steps} timed steps each, round robin`,
    );
    const stepResults = await timeStepsInterleaved({
      build: w.build,
      restore: (m) => restore(m, snapshots.get(name)),
      workload: w,
      methods,
      batches,
      warmup,
      steps,
      loss: w.loss,
    });
    for (const r of stepResults) {
      log(`  ${r.method}: median ${r.medianMs.toFixed(1)} ms/step, state ${r.stateBytes} B`);
      run.steps.push(r);
    }
    if (opts.epochBackends.includes(config) && opts.epochModels.includes(name) && opts.epoch !== 'none') {
      for (const method of methods) {
        log(`${config} ${name} ${method}: one epoch of ${w.train.xs.shape[0]} images`);
        const e = await timeEpoch({
          model,
          initialWeights: initial,
          workload: w,
          method,
          batchSize: w.batchSize,
          loss: w.loss,
        });
        log(`  ${e.seconds.toFixed(1)} s, test acc ${e.testAcc}`);
        run.epochs.push(e);
      }
    }
    if (opts.accuracy && name === 'lenet5' && (config === 'cpu' || config === 'wasm')) {
      results.accuracy ??= {};
      const done = run.epochs.find((e) => e.method === 'none');
      if (done) results.accuracy[config] = done;
      else {
        log(`${config} lenet5: one baseline epoch for the accuracy comparison`);
        results.accuracy[config] = await timeEpoch({
          model,
          initialWeights: initial,
          workload: w,
          method: 'none',
          batchSize: w.batchSize,
          loss: w.loss,
        });
      }
    }
    disposeBatches(batches);
    tf.dispose(initial);
    model.dispose();
    results.runs.push(run);
  }
}
if (results.accuracy && !(results.accuracy.cpu && results.accuracy.wasm)) results.accuracy = null;

if (opts.pytorch && opts.models.includes('lenet5')) {
  log('PyTorch reference');
  results.pytorch = runPytorchReference({
    steps: opts.steps,
    warmup: opts.warmup,
    epoch: opts.epoch === 'none' ? 'none' : trainLimit ? 'subset' : 'full',
  });
}
for (const w of workloads.values()) disposeWorkload(w);
if (opts.backends.includes('cpu')) {
  results.notes.push(
    `cpu = tfjs cpu backend + registerCpuTrainingKernels(); ${opts.cpuSteps} timed steps per method on cpu (the cpu backend is slow)` +
      (skippedCpuResnet ? '; ResNet-20 not run on cpu (one step takes minutes: ~150 s measured).' : '.'),
  );
}
if (opts.backends.includes('wasm')) {
  results.notes.push(
    'wasm = tfjs wasm backend (XNNPACK, SIMD, one thread: tfjs-backend-wasm runs single-threaded in Node) + enableWasmTraining().',
  );
}
if (opts.backends.includes('webgpu')) {
  const a = results.machine.webgpuAdapter;
  results.notes.push(
    `webgpu = tfjs webgpu backend on Dawn (@anl/tfjs/webgpu-node), adapter: ${a ? `${a.vendor} ${a.architecture} ${a.description}` : 'none'}` +
      (a?.software
        ? ': a SOFTWARE GPU (Vulkan on the CPU), so these rows say nothing about GPU speed; they show the path works.'
        : '.'),
  );
}
results.notes.push(
  `peak RSS is the whole process (the wasm heap never shrinks), sampled after each timed step; process max ${(
    process.resourceUsage().maxRSS / 1024
  ).toFixed(0)} MB.`,
);

const outFile =
  opts.out ?? join(here, 'results', `${results.date.slice(0, 10)}${opts.quick ? '-quick' : ''}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
const md = toMarkdown(results);
writeFileSync(outFile.replace(/\.json$/, '.md'), `${md}\n`);
console.log(md);
if (opts.updateReadme) {
  const readme = join(here, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf('<!-- bench:start');
  const end = text.indexOf('<!-- bench:end -->');
  if (start < 0 || end < start)
    throw new Error('bench/README.md has no <!-- bench:start --> ... <!-- bench:end --> markers');
  const open = text.indexOf('-->', start) + 3;
  writeFileSync(readme, `${text.slice(0, open)}\n${md}\n${text.slice(end)}`);
  log('updated bench/README.md');
}
log(`wrote ${outFile}`);
