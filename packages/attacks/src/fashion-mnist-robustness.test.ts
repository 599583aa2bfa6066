import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { fashionMnistDir, readFashionMnist } from '../test/fashion-mnist';
import { useCpu } from '../test/fixtures';
import { trainEpochs } from '../test/train-loop';
import { fgsmAdversarialTraining } from './adversarial-training';
import { evaluateRobustness } from './evaluate-robustness';
import { classifierFromLayersModel } from './layers-model-classifier';

beforeAll(useCpu);

/** A small dense net: real data, quick to train on the cpu backend (seconds). */
function denseNet(seed: number): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [784],
        units: 32,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
      tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  return model;
}

describe('real Fashion-MNIST slice (embedded subset): FGSM robustness curve', () => {
  it('baseline accuracy falls monotonically over delta 0..8; FGSM-AT is more accurate under attack', async () => {
    const dir = fashionMnistDir();
    const train = readFashionMnist(dir, 'train', 2000);
    const test = readFashionMnist(dir, 't10k', 500);
    const xs = tf.tensor2d(train.pixels, [train.count, 784]);
    const ys = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);
    const testXs = tf.tensor2d(test.pixels, [test.count, 784]);
    const deltas = [0, 2, 4, 6, 8];

    const baseline = denseNet(1);
    await trainEpochs(baseline, xs, ys, { epochs: 4, batchSize: 50, seed: 1 });
    const baseReport = await evaluateRobustness(
      classifierFromLayersModel(baseline, { bounds: [0, 1] }),
      { xs: testXs, labels: test.labels },
      { attack: 'fgsm', deltas },
    );

    const adversarial = denseNet(1);
    const transform = fgsmAdversarialTraining(adversarial, { eps: 0.05, bounds: [0, 1] });
    await trainEpochs(adversarial, xs, ys, { epochs: 4, batchSize: 50, seed: 1, transform });
    const atReport = await evaluateRobustness(
      classifierFromLayersModel(adversarial, { bounds: [0, 1] }),
      { xs: testXs, labels: test.labels },
      { attack: 'fgsm', deltas },
    );

    // A model that learnt something: well above the 10% of chance on clean test images.
    expect(baseReport.clean.accuracy).toBeGreaterThan(0.7);
    const base = baseReport.rows.map((r) => r.accuracy);
    for (let i = 1; i < base.length; i++) expect(base[i]).toBeLessThan(base[i - 1]);
    // delta = 8 (eps ≈ 0.031) costs the baseline a large share of its accuracy.
    expect(base[4]).toBeLessThan(base[0] - 0.2);
    for (let i = 2; i < deltas.length; i++) expect(atReport.rows[i].accuracy).toBeGreaterThan(base[i]);
  });
});
