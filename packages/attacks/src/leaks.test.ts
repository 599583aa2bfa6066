import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpModel, mulberry32, useCpu } from '../test/fixtures';
import { fgsmAdversarialTraining, pgdAdversarialTraining } from './adversarial-training';
import { evaluateRobustness } from './evaluate-robustness';
import { fgsm, fgsmSweep } from './fgsm';
import { classifierFromLayersModel } from './layers-model-classifier';
import { pgd } from './pgd';
import { uniformNoise } from './uniform-noise';

beforeAll(useCpu);

describe('no tensor leaks', () => {
  it('numTensors is the same after many attack calls as after one round', async () => {
    const model = mlpModel(6, 5, 4, 51);
    const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
    const rand = mulberry32(1);
    const x = tf.tensor2d(Array.from({ length: 10 }, () => Array.from({ length: 6 }, () => rand())));
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], 'int32'), 4);
    const fgsmAt = fgsmAdversarialTraining(model, { delta: 8, bounds: [0, 1] });
    const pgdAt = pgdAdversarialTraining(model, { eps: 8 / 255, steps: 3, stepSize: 0.01, bounds: [0, 1] });
    const round = async () => {
      tf.dispose(fgsm(classifier, x, { eps: 0.1, labels: 'predicted' }));
      tf.dispose(
        fgsm(classifier, x, { eps: 0.1, targeted: true, targetLabels: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }),
      );
      tf.dispose(fgsmSweep(classifier, x, { deltas: [0, 2, 4], labels: 'predicted' }));
      tf.dispose(pgd(classifier, x, { eps: 0.1, steps: 3, stepSize: 0.05, labels: 'predicted' }));
      tf.dispose(pgd(classifier, x, { eps: 0.5, steps: 3, stepSize: 0.2, norm: 'l2', labels: 'predicted' }));
      tf.dispose(uniformNoise(x, { a: 0.3, seed: 1, renormalize: 'per-image-minmax' }));
      const a = fgsmAt({ xs: x, ys });
      const b = pgdAt({ xs: x, ys });
      tf.dispose([a.xs, a.ys, b.xs, b.ys]);
      for (const attack of ['fgsm', 'pgd', 'uniform'] as const) {
        await evaluateRobustness(
          classifier,
          { xs: x, ys },
          { attack, epsilons: [0, 0.1], batchSize: 4, steps: 2 },
        );
      }
      await evaluateRobustness(
        classifier,
        { xs: x, ys },
        { attack: 'fgsm', epsilons: [0.1], activationLayer: model.layers[0].name },
      );
      // Errors thrown midway must not leak either.
      expect(() => fgsm(classifier, x, { eps: 0.1, labels: [0] })).toThrow();
    };
    await round();
    const after = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await round();
    expect(tf.memory().numTensors).toBe(after);
  });
});
