import { trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { RssPeak } from './step-timer.mjs';
import { testAccuracy } from './workloads.mjs';

/**
 * One whole epoch through the public API (`trainWithNoise`: shuffling, batching, the step, metrics),
 * wall time from the call to its return; test accuracy measured afterwards, outside the timing.
 */
export async function timeEpoch({
  model,
  initialWeights,
  workload,
  method,
  batchSize,
  loss,
  seed = 1,
  workers,
}) {
  model.setWeights(initialWeights);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const rss = new RssPeak();
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  const history = await trainWithNoise(
    model,
    { xs: workload.train.xs, ys: workload.train.ys },
    {
      method,
      eps: method === 'none' ? undefined : workload.eps,
      epochs: 1,
      batchSize,
      optimizer,
      loss,
      seed,
      numClasses: workload.numClasses,
      callbacks: { onEpochEnd: () => rss.sample() },
      ...(workers === undefined ? {} : { workers }),
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  rss.sample();
  const accuracy = workload.test ? await testAccuracy(model, workload.test) : null;
  optimizer.dispose();
  return {
    method,
    samples: workload.train.xs.shape[0],
    batchSize,
    seconds,
    trainLoss: history.history.loss[0],
    trainAcc: history.history.acc?.[0] ?? null,
    testAcc: accuracy,
    noiseStateBytes: history.params.noiseStateBytes,
    tensorsLeaked: tf.memory().numTensors - tensorsBefore,
    peakRssBytes: rss.peak,
  };
}
