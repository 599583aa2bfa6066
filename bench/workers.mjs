#!/usr/bin/env node
// npm run bench:workers: data-parallel training on worker threads against one thread, paired and
// interleaved in one process: LeNet-5 (batch 128) and ResNet-20 (batch 64) step times with 1 and N
// workers for the baseline, ANL and CANL, LeNet-5 epochs with 1 and N workers (and their test
// accuracy), and PyTorch on N threads for reference.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enableWasmTraining } from '@anl/tfjs/training-kernels';
import * as tf from '@tensorflow/tfjs';
import { coreSpeeds, parallelCeiling } from './lib/core-speeds.mjs';
import { timeEpoch } from './lib/epoch-timer.mjs';
import { runPytorchReference } from './lib/pytorch.mjs';
import { round } from './lib/stats.mjs';
import { timeWorkerScaling } from './lib/worker-steps.mjs';
import { disposeBatches, disposeWorkload, fixedBatches, loadWorkload } from './lib/workloads.mjs';

const USAGE = `usage: node bench/workers.mjs [options]
  --workers <n>      pool size compared with one thread (default 2)
  --steps <n>        timed rounds for LeNet-5 (default 30); ResNet-20 takes --resnet-steps (default 8)
  --resnet-steps <n>
  --warmup <n>       untimed rounds (default 2)
  --methods <list>   default none,anl,canl (none first: the overhead ratios are to it)
  --models <list>    default lenet5,resnet20
  --epoch full|subset|none   LeNet-5 epochs with 1 and N workers (default full: 60,000 images)
  --no-pytorch       skip PyTorch on N threads
  --quick            5 rounds, ResNet-20 2, epoch on 6,000 images
  --out <file>       default bench/results/<date>-workers.json (and .md)`;

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opts = {
  workers: 2,
  steps: 30,
  resnetSteps: 8,
  warmup: 2,
  methods: ['none', 'anl', 'canl'],
  models: ['lenet5', 'resnet20'],
  epoch: 'full',
  pytorch: true,
  out: undefined,
};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => argv[++i];
  if (a === '--help') {
    console.log(USAGE);
    process.exit(0);
  } else if (a === '--workers') {
    // `npm run bench -- --workers` (no number): the default pool size.
    if (/^\d+$/.test(argv[i + 1] ?? '')) opts.workers = Number(next());
  } else if (a === '--steps') opts.steps = Number(next());
  else if (a === '--resnet-steps') opts.resnetSteps = Number(next());
  else if (a === '--warmup') opts.warmup = Number(next());
  else if (a === '--methods') opts.methods = next().split(',');
  else if (a === '--models') opts.models = next().split(',');
  else if (a === '--epoch') opts.epoch = next();
  else if (a === '--no-pytorch') opts.pytorch = false;
  else if (a === '--out') opts.out = next();
  else if (a === '--quick')
    Object.assign(opts, { steps: 5, resnetSteps: 2, warmup: 1, epoch: 'subset', quick: true });
  else throw new Error(`unknown option ${a}\n${USAGE}`);
}
if (opts.methods[0] !== 'none') opts.methods = ['none', ...opts.methods.filter((m) => m !== 'none')];
const log = (...a) => console.error(`[bench:workers ${new Date().toISOString().slice(11, 19)}]`, ...a);

await enableWasmTraining();
const results = {
  date: new Date().toISOString(),
  argv,
  options: opts,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown cpu',
    loadAvgStart: loadavg().map((x) => round(x, 2)),
    node: process.versions.node,
    backend: tf.getBackend(),
  },
  steps: [],
  epochs: [],
  pytorch: null,
};

log('LeNet-5 step (batch 64) pinned to each CPU');
results.machine.coreStepMsStart = coreSpeeds();
log(`  ${JSON.stringify(results.machine.coreStepMsStart)} ms`);
if (opts.models.includes('lenet5') && cpus().length >= 2) {
  log('the ceiling: LeNet-5 batch 128 alone vs two processes of 64 side by side');
  results.machine.lenetCeiling = await parallelCeiling(128);
  log(`  ${JSON.stringify(results.machine.lenetCeiling)}`);
}
const BATCH = { lenet5: 128, resnet20: 64 };
for (const name of opts.models) {
  const w = await loadWorkload(name, {
    trainLimit: name === 'lenet5' && opts.epoch === 'subset' ? 6000 : undefined,
  });
  const batchSize = BATCH[name];
  const snapshot = (() => {
    const m = w.build();
    const s = m.getWeights().map((t) => ({ shape: t.shape, values: t.dataSync().slice() }));
    m.dispose();
    return s;
  })();
  const restore = (model) => {
    const ts = snapshot.map((s) => tf.tensor(s.values, s.shape));
    model.setWeights(ts);
    return ts;
  };
  const steps = name === 'resnet20' ? opts.resnetSteps : opts.steps;
  const batches = fixedBatches(w, batchSize, Math.min(steps + opts.warmup, 12));
  log(
    `${name} batch ${batchSize}: ${opts.methods.join(', ')}, 1 vs ${opts.workers} workers, ${steps} rounds`,
  );
  const rows = await timeWorkerScaling({
    workload: w,
    build: w.build,
    restore,
    methods: opts.methods,
    batches,
    warmup: opts.warmup,
    steps,
    workers: opts.workers,
  });
  for (const r of rows) {
    // The CPU critical path: one thread's whole step against main's part + the busiest worker's.
    r.cpuSpeedup = r.cpuOne.mainMs / (r.cpuPool.mainMs + r.cpuPool.busiestOtherMs);
    log(
      `  ${r.method}: ${r.oneMs.toFixed(0)} ms -> ${r.poolMs.toFixed(0)} ms, ${r.speedup.toFixed(2)}x; overhead ${r.overheadOne?.toFixed(2)} -> ${r.overheadPool?.toFixed(2)}; CPU critical path ${r.cpuOne.mainMs.toFixed(0)} -> ${r.cpuPool.mainMs.toFixed(0)} + ${r.cpuPool.busiestOtherMs.toFixed(0)} ms, ${r.cpuSpeedup.toFixed(2)}x`,
    );
  }
  results.steps.push({ workload: name, title: w.title, batchSize, rows });
  disposeBatches(batches);
  if (name === 'lenet5' && opts.epoch !== 'none') {
    const model = w.build();
    const initial = restore(model);
    for (const workers of [1, opts.workers]) {
      log(`lenet5 epoch of ${w.train.xs.shape[0]} images, ${workers} worker(s)`);
      const e = await timeEpoch({
        model,
        initialWeights: initial,
        workload: w,
        method: 'none',
        batchSize,
        loss: w.loss,
        workers,
      });
      log(`  ${e.seconds.toFixed(1)} s, test acc ${e.testAcc}`);
      results.epochs.push({ workload: name, workers, ...e });
    }
    tf.dispose(initial);
    model.dispose();
  }
  disposeWorkload(w);
}
if (opts.pytorch && opts.models.includes('lenet5')) {
  log(`PyTorch LeNet-5 on ${opts.workers} threads`);
  results.pytorch = runPytorchReference({
    steps: opts.steps,
    warmup: opts.warmup,
    epoch: opts.epoch,
    threads: opts.workers,
    methods: opts.methods,
  });
}
results.machine.loadAvgEnd = loadavg().map((x) => round(x, 2));
results.machine.coreStepMsEnd = coreSpeeds();

const outFile =
  opts.out ?? join(here, 'results', `${results.date.slice(0, 10)}-workers${opts.quick ? '-quick' : ''}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
const md = toMarkdown(results);
writeFileSync(outFile.replace(/\.json$/, '.md'), `${md}\n`);
console.log(md);
log(`wrote ${outFile}`);

function toMarkdown(r) {
  const f = (x, d = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(d));
  const lines = [
    `# Data-parallel training on worker threads: 1 vs ${r.options.workers} workers (${r.date.slice(0, 10)})`,
    '',
    `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, tfjs wasm + training kernels in every thread; load average ${r.machine.loadAvgStart.join(' ')} at the start, ${r.machine.loadAvgEnd.join(' ')} at the end.`,
    '',
    ...(r.machine.coreStepMsStart
      ? [
          `LeNet-5 step (batch 64) pinned to each CPU in turn (\`taskset\`): ${r.machine.coreStepMsStart.map((ms, i) => `cpu${i} ${ms} ms`).join(', ')} at the start; ${(r.machine.coreStepMsEnd ?? []).map((ms, i) => `cpu${i} ${ms} ms`).join(', ')} at the end. A data-parallel step goes at its slowest worker's pace: where the CPUs are uneven (a shared VM), that caps the speed-up whatever the pool does.`,
          '',
        ]
      : []),
    ...(r.machine.lenetCeiling
      ? [
          `**The ceiling on this machine** (no pool involved): a LeNet-5 step of 128 rows alone takes ${r.machine.lenetCeiling.wholeMs.join(' / ')} ms (pinned to cpu0 / cpu1); two independent processes stepping 64 rows each at the same time, one per CPU, take ${r.machine.lenetCeiling.halvesSideBySideMs.join(' / ')} ms, so no data-parallel scheme can beat **${r.machine.lenetCeiling.ceiling}×** for LeNet-5 here (the two threads share the memory bandwidth and caches, and the slower CPU sets the pace).`,
          '',
        ]
      : []),
    "CPU columns (Linux /proc, per step, 10 ms ticks averaged over the rounds): on one thread its main thread; on the pool the main thread plus the busiest worker thread, the step's critical path when the workers run side by side. They do not depend on what else the machine runs; the wall times do.",
    '',
    `Step times: medians over the rounds; speed-up = median over rounds of (one thread's step / the pool's step of the same round); overhead = median over rounds of (method's step / the baseline's step of the same round, same configuration).`,
    '',
    `| model | batch | method | 1 thread ms | ${r.options.workers} workers ms | speed-up | overhead 1 | overhead ${r.options.workers} | CPU ms: 1 thread → main + busiest worker | CPU speed-up |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of r.steps) {
    for (const row of s.rows) {
      lines.push(
        `| ${s.workload} | ${s.batchSize} | ${row.method} | ${f(row.oneMs, 0)} | ${f(row.poolMs, 0)} | **${f(row.speedup)}×** | ${f(row.overheadOne)} | ${f(row.overheadPool)} | ${f(row.cpuOne.mainMs, 0)} → ${f(row.cpuPool.mainMs, 0)} + ${f(row.cpuPool.busiestOtherMs, 0)} | ${f(row.cpuSpeedup)}× |`,
      );
    }
  }
  const resnet = r.steps.find((s) => s.workload === 'resnet20');
  if (resnet) {
    const none = resnet.rows[0];
    const stepsPerEpoch = Math.ceil(50000 / resnet.batchSize);
    lines.push(
      '',
      `ResNet-20 CIFAR-10 epoch (50,000 images, ${stepsPerEpoch} steps of ${resnet.batchSize}), from the baseline's median step: ${f((none.oneMs * stepsPerEpoch) / 60000, 1)} min on one thread, ${f((none.poolMs * stepsPerEpoch) / 60000, 1)} min on ${r.options.workers} workers.`,
    );
  }
  if (r.epochs.length > 0) {
    lines.push(
      '',
      '| LeNet-5 epoch (trainWithNoise, baseline) | images | seconds | train loss | test acc |',
      '|---|---|---|---|---|',
    );
    for (const e of r.epochs)
      lines.push(
        `| ${e.workers} worker(s) | ${e.samples} | ${f(e.seconds, 1)} | ${f(e.trainLoss, 4)} | ${f(e.testAcc, 4)} |`,
      );
  }
  const p = r.pytorch;
  if (p && !p.skipped) {
    lines.push(
      '',
      `PyTorch ${p.version ?? ''} LeNet-5 on ${r.options.workers} threads (same run): \`${JSON.stringify(summarizePytorch(p))}\``,
    );
  } else if (p?.skipped) lines.push('', `PyTorch: skipped (${p.skipped})`);
  return lines.join('\n');
}

function summarizePytorch(p) {
  const out = {};
  for (const [k, v] of Object.entries(p)) if (typeof v !== 'object' || v === null) out[k] = v;
  if (Array.isArray(p.steps))
    out.steps = p.steps.map((s) => ({ method: s.method, medianMs: round(s.medianMs ?? s.median_ms, 1) }));
  if (p.epochs) out.epochs = p.epochs;
  return out;
}
