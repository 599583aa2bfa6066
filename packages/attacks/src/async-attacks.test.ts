// The asynchronous entry points (for backends without synchronous reads) on cpu: closed forms and typed errors.
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearGradient, linearModel, useCpu } from '../test/fixtures';
import { assertInBoundsAsync } from './bounds';
import { fgsmAsync, fgsmSweepAsync } from './fgsm';
import { classifierFromLayersModel } from './layers-model-classifier';
import { pgdAsync } from './pgd';

beforeAll(useCpu);

const W = [
  [1.5, -2.0, 0.5],
  [-0.7, 0.3, 1.1],
];
const b = [0.1, -0.2, 0.05];
const rows = [
  [0.2, 0.7],
  [0.9, 0.1],
  [0.5, 0.5],
];
const labels = [0, 2, 1];

/** FGSM by hand in float64 from the linear model's closed-form gradient (sign -1: towards the labels). */
function fgsmByHand(eps: number, sign = 1): number[][] {
  return rows.map((x, n) => {
    const g = linearGradient(W, b, x, labels[n]);
    return x.map((xi, i) => Math.min(1, Math.max(0, xi + sign * eps * Math.sign(g[i]))));
  });
}

async function expectRejected(promise: Promise<unknown>, code: string, argument: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnlError);
  expect((error as AnlError).code).toBe(code);
  expect((error as AnlError).argument).toBe(argument);
}

describe('fgsmAsync, fgsmSweepAsync, pgdAsync', () => {
  const classifier = () => classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });

  it('equal closed-form FGSM (and one PGD step of stepSize = eps without random start)', async () => {
    const c = classifier();
    const x = tf.tensor2d(rows);
    const y = tf.tensor1d(labels, 'int32');
    const before = tf.memory().numTensors;
    const one = await fgsmAsync(c, x, { eps: 0.1, labels: y });
    const [a, bb] = await fgsmSweepAsync(c, x, { epsilons: [0.05, 0.3], labels });
    const step = await pgdAsync(c, x, { eps: 0.1, steps: 1, stepSize: 0.1, randomStart: false, labels: y });
    const targeted = await fgsmAsync(c, x, { eps: 0.1, targeted: true, targetLabels: labels });
    const expectClose = (t: tf.Tensor, want: number[][]) => {
      const got = t.arraySync() as number[][];
      for (let n = 0; n < want.length; n++) {
        for (let i = 0; i < want[n].length; i++) expect(got[n][i]).toBeCloseTo(want[n][i], 6);
      }
    };
    expectClose(one, fgsmByHand(0.1));
    expectClose(a, fgsmByHand(0.05));
    expectClose(bb, fgsmByHand(0.3));
    expectClose(step, fgsmByHand(0.1));
    expectClose(targeted, fgsmByHand(0.1, -1));
    tf.dispose([one, a, bb, step, targeted]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('reject bad inputs with the typed errors of the synchronous entry points, creating nothing', async () => {
    const c = classifier();
    const x = tf.tensor2d(rows);
    const outside = tf.tensor2d([
      [0.2, 1.5],
      [0, 0],
    ]);
    const nan = tf.tensor2d([[Number.NaN, 0.5]]);
    const short = tf.tensor1d([0, 1], 'int32');
    const before = tf.memory().numTensors;
    await expectRejected(fgsmAsync(c, outside, { eps: 0.1, labels: [0, 1] }), 'INVALID_ARGUMENT', 'x');
    await expectRejected(
      pgdAsync(c, nan, { eps: 0.1, steps: 1, stepSize: 0.1, labels: [0] }),
      'INVALID_ARGUMENT',
      'x',
    );
    await expectRejected(assertInBoundsAsync(outside, [0, 1], 'xs'), 'INVALID_ARGUMENT', 'xs');
    await expectRejected(fgsmAsync(c, x, { eps: 0.1, labels: short }), 'SHAPE_MISMATCH', 'options.labels');
    await expectRejected(
      fgsmAsync(c, x, { eps: 0.1, labels: [0, 3, 1] }),
      'INVALID_LABELS',
      'options.labels',
    );
    await expectRejected(fgsmAsync(c, x, { eps: 0.1 }), 'INVALID_ARGUMENT', 'options.labels');
    await expectRejected(
      fgsmSweepAsync(c, x, { epsilons: [0.1], targeted: true, labels }),
      'INVALID_ARGUMENT',
      'options.targetLabels',
    );
    await expectRejected(
      pgdAsync(c, x, { eps: 0.1, steps: 0, stepSize: 0.1, labels }),
      'INVALID_ARGUMENT',
      'options.steps',
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, outside, nan, short]);
  });
});
