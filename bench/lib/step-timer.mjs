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
  for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + Number(k.kernelTimeMs || 0));
  const total = [...byName.values()].reduce((a, b) => a + b, 0);
  const top = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms }));
  return { totalKernelMs: total, kernelCalls: info.kernels.length, top };
}

/**
 * Times `steps` optimisation steps of one method exactly as `trainWithNoise` runs them (the same
 * algorithm object from @anl/core, the same TfjsTrainableModel), after `warmup` untimed steps, from
 * the given initial weights. Each timed step ends with the loss read back (one sync per step, as
 * trainWithNoise does when it logs batches), so the time is the whole step.
 */
export async function timeSteps({ model, initialWeights, workload, method, batches, warmup, steps, loss }) {
  model.setWeights(initialWeights);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const trainable = new TfjsTrainableModel(model, { optimizer, loss });
  const algorithm = createTrainingAlgorithm(trainable.ops, { method, numClasses: workload.numClasses });
  const rng = createRng(7).split();
  const settings = { eps: method === 'none' ? 0 : workload.eps, noise: method !== 'none' };
  const rss = new RssPeak();
  const step = async (i) => {
    const { loss: l } = algorithm.step(trainable, batches[i % batches.length], settings, rng);
    const value = (await l.data())[0];
    l.dispose();
    return value;
  };
  try {
    for (let i = 0; i < warmup; i++) await step(i);
    const tensorsBefore = tf.memory().numTensors;
    const times = [];
    let lastLoss = Number.NaN;
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      lastLoss = await step(warmup + i);
      times.push(performance.now() - t0);
      rss.sample();
    }
    const tensorsAfter = tf.memory().numTensors;
    // A wrong kernel shows up as a nonsense loss long before it shows in a timing: refuse to report it.
    if (!(lastLoss > 1e-3 && lastLoss < 1e3))
      throw new Error(`${method}: implausible loss ${lastLoss} after ${steps} steps`);
    const profile = await kernelBreakdown(() => step(warmup + steps));
    return {
      method,
      steps,
      warmup,
      medianMs: median(times),
      p10Ms: quantile(times, 0.1),
      p90Ms: quantile(times, 0.9),
      lastLoss,
      stateBytes: algorithm.stateBytes(),
      tensorsLeakedPerStep: (tensorsAfter - tensorsBefore) / steps,
      peakRssBytes: rss.peak,
      profile,
    };
  } finally {
    algorithm.dispose();
    optimizer.dispose();
  }
}
