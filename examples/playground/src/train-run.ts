// One training run with @anl/tfjs's trainWithNoise, reporting checkpoints (loss, test error,
// activation std per noise layer) a few times per epoch and yielding to the page between batches.
import { fgsmAdversarialTraining } from '@anl/attacks';
import type { ImageSet } from '@anl/models';
import { trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { chainActivations, type Network } from './networks';
import type { MethodName, Settings } from './settings';

/** Where a run stands, a few times per epoch. */
export interface Checkpoint {
  /** Epochs done, fractional (0.25 = a quarter of the first epoch). */
  epoch: number;
  /** Mean training loss over the batches since the previous checkpoint. */
  loss: number;
  /** Test error on the test images, noise off (PNI: its noise stays on, as the method intends). */
  testError: number;
  /** Standard deviation of each noise site's activations on a fixed batch of test images. */
  layerStd: number[];
}

export interface RunHooks {
  shouldStop(): boolean;
  onCheckpoint(point: Checkpoint): void;
}

export interface RunResult {
  stopped: boolean;
  /** Seconds spent in training steps per finished epoch (checkpoint evaluations excluded). */
  epochSeconds: number[];
}

const CHECKPOINTS_PER_EPOCH = 4;
const PROBE_IMAGES = 128;
/** Give the page a frame at least this often (ms). */
const YIELD_EVERY_MS = 40;

export async function trainNetwork(
  network: Network,
  method: MethodName,
  data: { train: ImageSet; test: ImageSet },
  settings: Settings,
  hooks: RunHooks,
): Promise<RunResult> {
  const { model } = network;
  const batchesPerEpoch = Math.ceil(data.train.labels.length / settings.batchSize);
  const epochSeconds: number[] = [];
  let lossSum = 0;
  let lossCount = 0;
  let lastYield = performance.now();
  let epochStart = 0;
  let evaluationSeconds = 0;

  const checkpoint = async (epoch: number) => {
    const started = performance.now();
    const point = {
      epoch,
      loss: lossCount > 0 ? lossSum / lossCount : Number.NaN,
      testError: await testError(model, data.test),
      layerStd: await layerStd(network, data.test),
    };
    lossSum = 0;
    lossCount = 0;
    hooks.onCheckpoint(point);
    evaluationSeconds += (performance.now() - started) / 1000;
  };

  await checkpoint(0);
  const optimizer = tf.train.adam(0.001);
  try {
    const history = await trainWithNoise(
      model,
      { xs: data.train.xs, ys: data.train.ys },
      {
        // PNI: no trainer noise; its layers add their own, and FGSM adversarial training (the PNI
        // paper's recipe, with FGSM instead of PGD to keep a browser epoch short) teaches alpha.
        method: method === 'pni' ? 'none' : method,
        eps: method === 'none' || method === 'pni' ? undefined : settings.eps,
        batchTransform:
          method === 'pni'
            ? fgsmAdversarialTraining(model, { eps: settings.eps, bounds: [0, 1], labels: 'predicted' })
            : undefined,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        optimizer,
        seed: settings.seed,
        callbacks: {
          onEpochBegin: () => {
            epochStart = performance.now();
            evaluationSeconds = 0;
          },
          onBatchEnd: async (batch, logs) => {
            lossSum += logs?.loss ?? Number.NaN;
            lossCount++;
            const done = batch + 1;
            // Evenly spaced within the epoch; the epoch's end has its own checkpoint.
            const quarter = (k: number) => Math.floor((k * CHECKPOINTS_PER_EPOCH) / batchesPerEpoch);
            if (quarter(done) > quarter(done - 1) && done < batchesPerEpoch) {
              await checkpoint(epochSeconds.length + done / batchesPerEpoch);
            }
            if (performance.now() - lastYield > YIELD_EVERY_MS) {
              await tf.nextFrame();
              lastYield = performance.now();
            }
            return hooks.shouldStop() ? 'stop' : undefined;
          },
          onEpochEnd: async (epoch) => {
            epochSeconds.push((performance.now() - epochStart) / 1000 - evaluationSeconds);
            await checkpoint(epoch + 1);
          },
        },
      },
    );
    return { stopped: history.epoch.length < settings.epochs || hooks.shouldStop(), epochSeconds };
  } finally {
    optimizer.dispose();
  }
}

/** Fraction of `test` the model gets wrong, in chunks so the page can breathe. */
export async function testError(model: tf.LayersModel, test: ImageSet): Promise<number> {
  const n = test.labels.length;
  let wrong = 0;
  for (let start = 0; start < n; start += 250) {
    const size = Math.min(250, n - start);
    const predicted = tf.tidy(() => tf.argMax(model.predict(test.xs.slice(start, size)) as tf.Tensor, 1));
    const labels = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < size; i++) if (labels[i] !== test.labels[start + i]) wrong++;
  }
  return wrong / n;
}

async function layerStd(network: Network, test: ImageSet): Promise<number[]> {
  if (network.noiseSites.length === 0) return [];
  const stds = tf.tidy(() => {
    const x = test.xs.slice(0, Math.min(PROBE_IMAGES, test.labels.length));
    const outputs = chainActivations(
      network.model,
      x,
      network.noiseSites.map((s) => s.layer),
    );
    return tf.stack(outputs.map((h) => tf.sqrt(tf.moments(h).variance)));
  });
  const values = Array.from(await stds.data());
  stds.dispose();
  return values;
}
