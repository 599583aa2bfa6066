import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearModel, useCpu } from '../test/fixtures';
import { fgsmAdversarialTraining, pgdAdversarialTraining } from './adversarial-training';
import type { Classifier } from './classifier';
import { evaluateRobustness } from './evaluate-robustness';
import { fgsm, fgsmSweep } from './fgsm';
import { classifierFromLayersModel } from './layers-model-classifier';
import { pgd } from './pgd';
import { uniformNoise } from './uniform-noise';

beforeAll(useCpu);

const model = linearModel(
  [
    [1, -1],
    [0.5, 2],
  ],
  [0, 0],
);

function classifier(): Classifier {
  return classifierFromLayersModel(model, { bounds: [0, 1] });
}

/** Runs fn, expects an AnlError with `code` whose `argument` and message name `argument`. */
function expectAnlError(fn: () => unknown, code: string, argument: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AnlError);
  const e = caught as AnlError;
  expect(e.code).toBe(code);
  expect(e.argument).toBe(argument);
  expect(e.message).toContain(argument);
}

describe('typed errors, thrown before any work', () => {
  const x = () =>
    tf.tensor2d([
      [0.2, 0.4],
      [0.6, 0.8],
    ]);

  it('eps < 0, delta < 0, NaN eps', () => {
    expectAnlError(() => fgsm(classifier(), x(), { eps: -0.1 }), 'INVALID_ARGUMENT', 'options.eps');
    expectAnlError(() => fgsm(classifier(), x(), { delta: -2 }), 'INVALID_ARGUMENT', 'options.delta');
    expectAnlError(
      () => pgd(classifier(), x(), { eps: Number.NaN, steps: 1, stepSize: 0.1 }),
      'INVALID_ARGUMENT',
      'options.eps',
    );
    expectAnlError(
      () => fgsmSweep(classifier(), x(), { epsilons: [0.1, -1] }),
      'INVALID_ARGUMENT',
      'options.epsilons[1]',
    );
  });

  it('both eps and delta, or neither', () => {
    const both = { eps: 0.1, delta: 2 } as unknown as { eps: number };
    expectAnlError(() => fgsm(classifier(), x(), both), 'INVALID_ARGUMENT', 'options.delta');
    expectAnlError(() => fgsm(classifier(), x(), {} as { eps: number }), 'INVALID_ARGUMENT', 'options.eps');
    const bothLists = { epsilons: [0.1], deltas: [2] } as unknown as { epsilons: number[] };
    expectAnlError(() => fgsmSweep(classifier(), x(), bothLists), 'INVALID_ARGUMENT', 'options.deltas');
  });

  it('bounds reversed or not a pair', () => {
    expectAnlError(
      () => classifierFromLayersModel(model, { bounds: [1, 0] }),
      'INVALID_ARGUMENT',
      'options.bounds',
    );
    expectAnlError(
      () => classifierFromLayersModel(model, { bounds: [0] as unknown as [number, number] }),
      'INVALID_ARGUMENT',
      'options.bounds',
    );
    const handMade: Classifier = { ...classifier(), bounds: [1, 0] };
    expectAnlError(() => fgsm(handMade, x(), { eps: 0.1 }), 'INVALID_ARGUMENT', 'classifier.bounds');
    expectAnlError(
      () => uniformNoise(x(), { a: 0.1, seed: 1, bounds: [2, 2] }),
      'INVALID_ARGUMENT',
      'options.bounds',
    );
  });

  it('inputs outside the bounds', () => {
    const outside = tf.tensor2d([
      [0.2, 1.3],
      [0.1, 0.1],
    ]);
    expectAnlError(() => fgsm(classifier(), outside, { eps: 0.1 }), 'INVALID_ARGUMENT', 'x');
    expectAnlError(
      () => pgd(classifier(), outside, { eps: 0.1, steps: 1, stepSize: 0.1 }),
      'INVALID_ARGUMENT',
      'x',
    );
    expectAnlError(() => uniformNoise(outside, { a: 0.1, seed: 1 }), 'INVALID_ARGUMENT', 'x');
    const below = classifierFromLayersModel(model, { bounds: [0.5, 1] });
    expectAnlError(() => fgsm(below, x(), { eps: 0.1 }), 'INVALID_ARGUMENT', 'x');
  });

  it('labels of the wrong length, out of range, or not integers', () => {
    expectAnlError(
      () => fgsm(classifier(), x(), { eps: 0.1, labels: [0] }),
      'SHAPE_MISMATCH',
      'options.labels',
    );
    expectAnlError(
      () => fgsm(classifier(), x(), { eps: 0.1, labels: [0, 2] }),
      'INVALID_LABELS',
      'options.labels',
    );
    expectAnlError(
      () => fgsm(classifier(), x(), { eps: 0.1, labels: [0, 0.5] }),
      'INVALID_LABELS',
      'options.labels',
    );
    expectAnlError(
      () =>
        pgd(classifier(), x(), {
          eps: 0.1,
          steps: 1,
          stepSize: 0.1,
          labels: tf.tensor1d([0, 1, 1], 'int32'),
        }),
      'SHAPE_MISMATCH',
      'options.labels',
    );
  });

  it('targeted without targetLabels, targetLabels without targeted', () => {
    expectAnlError(
      () => fgsm(classifier(), x(), { eps: 0.1, targeted: true }),
      'INVALID_ARGUMENT',
      'options.targetLabels',
    );
    expectAnlError(
      () => fgsm(classifier(), x(), { eps: 0.1, targetLabels: [1, 0] }),
      'INVALID_ARGUMENT',
      'options.targeted',
    );
  });

  it('PGD steps, stepSize and norm', () => {
    expectAnlError(
      () => pgd(classifier(), x(), { eps: 0.1, steps: 0, stepSize: 0.1 }),
      'INVALID_ARGUMENT',
      'options.steps',
    );
    expectAnlError(
      () => pgd(classifier(), x(), { eps: 0.1, steps: 1.5, stepSize: 0.1 }),
      'INVALID_ARGUMENT',
      'options.steps',
    );
    expectAnlError(
      () => pgd(classifier(), x(), { eps: 0.1, steps: 1, stepSize: 0 }),
      'INVALID_ARGUMENT',
      'options.stepSize',
    );
    expectAnlError(
      () => pgd(classifier(), x(), { eps: 0.1, steps: 1, stepSize: 0.1, norm: 'l1' as 'l2' }),
      'INVALID_ARGUMENT',
      'options.norm',
    );
  });

  it('x that is not a batch', () => {
    expectAnlError(() => fgsm(classifier(), tf.tensor1d([0.1, 0.2]), { eps: 0.1 }), 'SHAPE_MISMATCH', 'x');
    expectAnlError(
      () => fgsm(classifier(), [[0.1, 0.2]] as unknown as tf.Tensor, { eps: 0.1 }),
      'INVALID_ARGUMENT',
      'x',
    );
  });

  it('adversarial-training options are checked when the transform is made', () => {
    expectAnlError(
      () => fgsmAdversarialTraining(model, { eps: 0.1, bounds: [1, 0] }),
      'INVALID_ARGUMENT',
      'options.bounds',
    );
    expectAnlError(
      () =>
        fgsmAdversarialTraining(model, { eps: 0.1, delta: 3, bounds: [0, 1] } as unknown as {
          eps: number;
          bounds: [number, number];
        }),
      'INVALID_ARGUMENT',
      'options.delta',
    );
    expectAnlError(
      () => pgdAdversarialTraining(model, { eps: 0.1, steps: 0, stepSize: 0.01, bounds: [0, 1] }),
      'INVALID_ARGUMENT',
      'options.steps',
    );
  });

  it('evaluateRobustness checks its options before attacking', async () => {
    const data = { xs: x(), labels: [0, 1] };
    await expect(
      evaluateRobustness(classifier(), data, { attack: 'cw' as 'fgsm', epsilons: [0.1] }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'options.attack',
    });
    await expect(
      evaluateRobustness(classifier(), { xs: x(), labels: [0] }, { attack: 'fgsm', epsilons: [0.1] }),
    ).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
      argument: 'data.labels',
    });
    await expect(
      evaluateRobustness(classifier(), data, { attack: 'fgsm', epsilons: [] }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'options.epsilons',
    });
    await expect(
      evaluateRobustness(classifier(), data, { attack: 'pgd', epsilons: [0.1], norm: 'l1' as 'l2' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.norm' });
    await expect(
      evaluateRobustness(classifier(), data, { attack: 'pgd', epsilons: [0.1], stepSize: -1 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.stepSize' });
    await expect(
      evaluateRobustness(classifier(), data, { attack: 'fgsm', epsilons: [0.1], activationLayer: 'nope' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', argument: 'layerName' });
  });
});
