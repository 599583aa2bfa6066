import { trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { threeClassData, tinyDenseModel, useCpu } from '../test/fixtures';
import { type BatchTransform, fgsmAdversarialTraining, pgdAdversarialTraining } from './adversarial-training';

beforeAll(useCpu);

const values = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/**
 * The registry's fgsm-at / pgd-at (one method-provided loss 0.5·L(x) + 0.5·L(x') in the trainer)
 * against the batch transforms built independently here (FGSM / PGD of this package, then clean
 * training on the concatenated batch [x; x']): same weights after the same steps, up to float
 * rounding (the two sum the loss in a different order).
 */
async function compare(
  method: string,
  methodOptions: Record<string, unknown>,
  transform: (m: tfl.LayersModel) => BatchTransform,
) {
  const d = threeClassData(24, 4);
  const train = async (viaRegistry: boolean) => {
    const m = tinyDenseModel('tanh');
    await trainWithNoise(m, d, {
      method: viaRegistry ? method : 'none',
      eps: viaRegistry ? 0.1 : undefined,
      methodOptions: viaRegistry ? { [method]: methodOptions } : undefined,
      epochs: 1,
      batchSize: 8,
      optimizer: tf.train.sgd(0.5),
      seed: 3,
      batchTransform: viaRegistry ? undefined : transform(m),
    });
    const w = values(m);
    m.dispose();
    return w;
  };
  const registry = await train(true);
  const independent = await train(false);
  const clean = tinyDenseModel('tanh');
  const start = values(clean);
  clean.dispose();
  registry.forEach((w, i) => {
    w.forEach((v, k) => {
      expect(v).toBeCloseTo(independent[i][k], 5);
    });
  });
  // The steps moved the weights (a comparison of untouched weights would pin nothing).
  expect(registry[0]).not.toEqual(start[0]);
  tf.dispose([d.xs, d.ys]);
}

describe('fgsm-at and pgd-at through the registry equal the batch transforms', () => {
  it('fgsm-at: 3 steps equal clean training on fgsmAdversarialTraining batches', async () => {
    await compare('fgsm-at', {}, (m) => fgsmAdversarialTraining(m, { eps: 0.1, bounds: [0, 1] }));
  });

  it('pgd-at (3 inner steps of 0.04, no random start): 3 steps equal clean training on pgdAdversarialTraining batches', async () => {
    await compare('pgd-at', { steps: 3, stepFactor: 0.4, randomStart: false }, (m) =>
      pgdAdversarialTraining(m, { eps: 0.1, steps: 3, stepSize: 0.04, randomStart: false, bounds: [0, 1] }),
    );
  });
});
