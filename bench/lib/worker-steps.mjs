import { readdirSync, readFileSync } from 'node:fs';
import { createRng, createTrainingAlgorithm } from '@anl/core';
import { TfjsTrainableModel } from '@anl/tfjs';
import { startWorkerPool } from '@anl/tfjs/workers';
import * as tf from '@tensorflow/tfjs';
import { median, quantile } from './stats.mjs';

/** CPU ms used so far by each thread of this process (Linux /proc; 10 ms resolution), by thread id. */
function threadCpuMs() {
  const out = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    }
  } catch {
    return null;
  }
  return out;
}

/** Adds each thread's CPU between two snapshots into `into`. */
function addCpu(into, before, after) {
  if (before === null || after === null) return;
  for (const [tid, ms] of after) into.set(tid, (into.get(tid) ?? 0) + ms - (before.get(tid) ?? 0));
}

/**
 * CPU per step: the main thread's, and the busiest other thread's (on the pool: a worker). On a
 * machine shared with other jobs the wall times depend on what they run; these do not, and
 * main + the busiest worker is the step's critical path when the workers run side by side.
 */
function cpuPerStep(cpu, steps) {
  const main = String(process.pid);
  const others = [...cpu.entries()].filter(([tid]) => tid !== main).map(([, ms]) => ms);
  return { mainMs: (cpu.get(main) ?? 0) / steps, busiestOtherMs: Math.max(0, ...others) / steps };
}

/**
 * Step times of each method on one thread and on a pool of `workers` threads, interleaved: in every
 * round each method takes one step on one thread, then one on the pool, so the two steps of a pair
 * saw the same machine. Per configuration one model (from the same weights) that every method
 * steps in turn, each with its own algorithm and generator; each step ends with the loss read back.
 */
export async function timeWorkerScaling({
  workload,
  build,
  restore,
  methods,
  batches,
  warmup,
  steps,
  workers,
}) {
  const configs = [];
  for (const count of [1, workers]) {
    const model = build();
    const weights = restore(model);
    const optimizer = tf.train.momentum(0.01, 0.9);
    const main = new TfjsTrainableModel(model, { optimizer, loss: workload.loss });
    const trainable =
      count === 1
        ? main
        : await startWorkerPool(main, {
            workers: count,
            batchSize: batches[0].batchSize,
            loss: workload.loss,
            workerModules: ['@anl/models'],
          });
    configs.push({
      count,
      model,
      weights,
      optimizer,
      trainable,
      runs: methods.map((method) => ({
        method,
        algorithm: createTrainingAlgorithm(main.ops, { method, numClasses: workload.numClasses }),
        rng: createRng(7).split(),
        settings: { eps: method === 'none' ? 0 : workload.eps, noise: method !== 'none' },
        times: [],
        cpu: new Map(),
        lastLoss: Number.NaN,
      })),
    });
  }
  const step = async (config, run, i) => {
    const { loss } = run.algorithm.step(config.trainable, batches[i % batches.length], run.settings, run.rng);
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  };
  try {
    for (let i = 0; i < warmup; i++) {
      for (let m = 0; m < methods.length; m++) for (const c of configs) await step(c, c.runs[m], i);
    }
    for (let i = 0; i < steps; i++) {
      for (let m = 0; m < methods.length; m++) {
        for (const c of configs) {
          const run = c.runs[m];
          const cpuBefore = threadCpuMs();
          const t0 = performance.now();
          run.lastLoss = await step(c, run, warmup + i);
          run.times.push(performance.now() - t0);
          addCpu(run.cpu, cpuBefore, threadCpuMs());
        }
      }
    }
    const [one, pool] = configs;
    const rows = methods.map((method, m) => {
      const a = one.runs[m];
      const b = pool.runs[m];
      for (const r of [a, b]) {
        if (!(r.lastLoss > 1e-3 && r.lastLoss < 1e3))
          throw new Error(`${method}: implausible loss ${r.lastLoss}`);
      }
      const overhead = (c, r) => median(r.times.map((t, i) => t / c.runs[0].times[i]));
      return {
        method,
        steps,
        oneMs: median(a.times),
        oneP10Ms: quantile(a.times, 0.1),
        oneP90Ms: quantile(a.times, 0.9),
        poolMs: median(b.times),
        poolP10Ms: quantile(b.times, 0.1),
        poolP90Ms: quantile(b.times, 0.9),
        // Paired: the median over rounds of (one thread's step / the pool's step of the same round).
        speedup: median(a.times.map((t, i) => t / b.times[i])),
        // Paired, to the baseline's step of the same round on the same configuration.
        overheadOne: methods[0] === 'none' ? overhead(one, a) : null,
        overheadPool: methods[0] === 'none' ? overhead(pool, b) : null,
        cpuOne: cpuPerStep(a.cpu, steps),
        cpuPool: cpuPerStep(b.cpu, steps),
        lastLossOne: a.lastLoss,
        lastLossPool: b.lastLoss,
      };
    });
    return rows;
  } finally {
    for (const c of configs) {
      for (const r of c.runs) r.algorithm.dispose();
      if (c.count !== 1) await c.trainable.terminate();
      c.optimizer.dispose();
      tf.dispose(c.weights);
      c.model.dispose();
    }
  }
}
