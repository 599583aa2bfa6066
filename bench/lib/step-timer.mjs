import { createRng, createTrainingAlgorithm } from '@anl/core';
import { TfjsTrainableModel } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { median, quantile } from './stats.mjs';

/** Peak resident set size seen by `sampleRss` calls (bytes). */
export class RssPeak {
  peak = 0;
  sample() {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
}

/** Kernel time per kernel name over one profiled call, the top `n` (ms). */
export async function kernelBreakdown(fn, n = 8) {
  const info = await tf.profile(fn);
  const byName = new Map();
  // webgpu reports kernel times only with timestamp queries; otherwise an { error } object (counted as 0).
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
  }
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  const top = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms }));
  return { totalKernelMs: total, kernelCalls: info.kernels.length, top };
}

/**
 * Times `steps` optimisation steps of every method exactly as `trainWithNoise` runs them (the same
 * algorithm objects from @anl/core, the same TfjsTrainableModel), after `warmup` untimed steps, each
 * method on its own copy of the model made from the same initial weights. The methods take turns step by
 * step (round robin), so a neighbour's load on a shared machine hits them all alike instead of whichever
 * method happened to run during it. Each timed step ends with the loss read back (one sync per step).
 */
export async function timeStepsInterleaved({
  build,
  restore,
  workload,
  methods,
  batches,
  warmup,
  steps,
  loss,
}) {
  const runs = methods.map((method) => {
    const model = build();
    const weights = restore(model);
    const optimizer = tf.train.momentum(0.01, 0.9);
    const trainable = new TfjsTrainableModel(model, { optimizer, loss });
    const algorithm = createTrainingAlgorithm(trainable.ops, { method, numClasses: workload.numClasses });
    return {
      method,
      model,
      weights,
      optimizer,
      trainable,
      algorithm,
      rng: createRng(7).split(),
      settings: { eps: method === 'none' ? 0 : workload.eps, noise: method !== 'none' },
      times: [],
      rss: new RssPeak(),
      lastLoss: Number.NaN,
    };
  });
  const step = async (r, i) => {
    const { loss: l } = r.algorithm.step(r.trainable, batches[i % batches.length], r.settings, r.rng);
    const value = (await l.data())[0];
    l.dispose();
    return value;
  };
  try {
    for (let i = 0; i < warmup; i++) for (const r of runs) await step(r, i);
    const tensorsBefore = tf.memory().numTensors;
    for (let i = 0; i < steps; i++) {
      for (const r of runs) {
        const t0 = performance.now();
        r.lastLoss = await step(r, warmup + i);
        r.times.push(performance.now() - t0);
        r.rss.sample();
      }
    }
    const tensorsAfter = tf.memory().numTensors;
    // Paired ratio: in every round the methods run one after another, so a method's step and the
    // baseline's step of the same round saw the same machine. The median of those per-round ratios
    // resists a shared VM's slow spells, which can put one method's median in a slow cluster and
    // another's in a fast one.
    const baseline = runs.find((r) => r.method === 'none');
    const pairedRatio = (r) =>
      baseline === undefined ? null : median(r.times.map((t, i) => t / baseline.times[i]));
    const results = [];
    for (const r of runs) {
      // A wrong kernel shows up as a nonsense loss long before it shows in a timing: refuse to report it.
      if (!(r.lastLoss > 1e-3 && r.lastLoss < 1e3)) {
        throw new Error(`${r.method}: implausible loss ${r.lastLoss} after ${steps} steps`);
      }
      const profile = await kernelBreakdown(() => step(r, warmup + steps));
      results.push({
        method: r.method,
        steps,
        warmup,
        medianMs: median(r.times),
        pairedRatio: pairedRatio(r),
        p10Ms: quantile(r.times, 0.1),
        p90Ms: quantile(r.times, 0.9),
        lastLoss: r.lastLoss,
        stateBytes: r.algorithm.stateBytes(),
        tensorsLeakedPerStep: (tensorsAfter - tensorsBefore) / (steps * runs.length),
        peakRssBytes: r.rss.peak,
        profile,
      });
    }
    return results;
  } finally {
    for (const r of runs) {
      r.algorithm.dispose();
      r.optimizer.dispose();
      tf.dispose(r.weights);
      r.model.dispose();
    }
  }
}
