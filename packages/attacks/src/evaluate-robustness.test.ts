import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearGradient, linearModel, mulberry32, useCpu } from '../test/fixtures';
import { evaluateRobustness } from './evaluate-robustness';
import { formatRobustnessTable } from './format-robustness-table';
import { classifierFromLayersModel } from './layers-model-classifier';

beforeAll(useCpu);

const W = [
  [1.5, -2.0, 0.5],
  [-0.7, 0.3, 1.1],
  [0.2, 0.9, -1.4],
  [2.2, -0.4, -0.6],
];
const b = [0.1, -0.2, 0.05];

function logits(x: number[]): number[] {
  return b.map((bj, j) => bj + x.reduce((a, xi, i) => a + xi * W[i][j], 0));
}

function argmax(v: number[]): number {
  return v.indexOf(Math.max(...v));
}

/** FGSM on the linear model, entirely in float64 from the closed-form gradient. */
function fgsmByHand(x: number[], y: number, eps: number): number[] {
  const g = linearGradient(W, b, x, y);
  return x.map((xi, i) => Math.min(1, Math.max(0, xi + eps * Math.sign(g[i]))));
}

const rand = mulberry32(3);
const xs = Array.from({ length: 60 }, () => Array.from({ length: 4 }, () => rand()));
// Labels: mostly the model's own class, some flipped, so clean accuracy is below 1.
const labels = xs.map((x, n) => (n % 5 === 0 ? (argmax(logits(x)) + 1) % 3 : argmax(logits(x))));

describe('evaluateRobustness', () => {
  it('FGSM rows equal an independent float64 computation, whatever the batch size', async () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const epsilons = [0, 0.02, 0.05, 0.1, 0.2];
    const expected = epsilons.map(
      (eps) =>
        xs.filter((x, n) => argmax(logits(fgsmByHand(x, labels[n], eps))) === labels[n]).length / xs.length,
    );
    const clean = xs.filter((x, n) => argmax(logits(x)) === labels[n]).length / xs.length;
    for (const batchSize of [7, 60, 128]) {
      const report = await evaluateRobustness(
        classifier,
        { xs: tf.tensor2d(xs), labels },
        { attack: 'fgsm', epsilons, batchSize },
      );
      expect(report.numExamples).toBe(60);
      expect(report.clean.accuracy).toBeCloseTo(clean, 10);
      expect(report.clean.error).toBeCloseTo(1 - clean, 10);
      report.rows.forEach((row, i) => {
        expect(row.eps).toBe(epsilons[i]);
        expect(row.accuracy).toBeCloseTo(expected[i], 10);
        expect(row.error).toBeCloseTo(1 - expected[i], 10);
      });
    }
  });

  it('accepts one-hot ys and deltas, and reports delta next to eps', async () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const report = await evaluateRobustness(
      classifier,
      { xs: tf.tensor2d(xs), ys },
      { attack: 'fgsm', deltas: [0, 8] },
    );
    expect(report.rows[0]).toMatchObject({ eps: 0, delta: 0 });
    expect(report.rows[1].delta).toBe(8);
    expect(report.rows[1].eps).toBeCloseTo(8 / 255, 12);
    expect(report.rows[0].accuracy).toBe(report.clean.accuracy);
    const expected =
      xs.filter((x, n) => argmax(logits(fgsmByHand(x, labels[n], 8 / 255))) === labels[n]).length / 60;
    expect(report.rows[1].accuracy).toBeCloseTo(expected, 10);
  });

  it('activation MSE is 0 at eps 0 and matches a by-hand mean of squared logit changes', async () => {
    const model = linearModel(W, b);
    const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
    const eps = 0.1;
    const report = await evaluateRobustness(
      classifier,
      { xs: tf.tensor2d(xs), labels },
      { attack: 'fgsm', epsilons: [0, eps], activationLayer: model.layers[0].name, batchSize: 16 },
    );
    let squared = 0;
    xs.forEach((x, n) => {
      const before = logits(x);
      const after = logits(fgsmByHand(x, labels[n], eps));
      before.forEach((v, j) => {
        squared += (after[j] - v) ** 2;
      });
    });
    expect(report.rows[0].activationMse).toBe(0);
    expect(report.rows[1].activationMse).toBeCloseTo(squared / (60 * 3), 5);
  });

  it('PGD and uniform rows: eps 0 is the clean accuracy; stronger noise does not help here', async () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const data = { xs: tf.tensor2d(xs), labels };
    const pgdReport = await evaluateRobustness(classifier, data, {
      attack: 'pgd',
      epsilons: [0, 0.1, 0.3],
      steps: 5,
    });
    expect(pgdReport.rows[0].accuracy).toBe(pgdReport.clean.accuracy);
    expect(pgdReport.rows[2].accuracy).toBeLessThan(pgdReport.clean.accuracy);
    expect(pgdReport.settings).toMatchObject({ steps: 5, norm: 'linf', randomStart: true });
    const uniform = await evaluateRobustness(classifier, data, {
      attack: 'uniform',
      epsilons: [0, 0.5],
      trials: 3,
    });
    expect(uniform.rows[0].accuracy).toBe(uniform.clean.accuracy);
    expect(uniform.settings).toMatchObject({ renormalize: 'range', trials: 3 });
  });

  it('formatRobustnessTable prints one column per delta and one line per model, in %', async () => {
    const classifier = classifierFromLayersModel(linearModel(W, b), { bounds: [0, 1] });
    const report = await evaluateRobustness(
      classifier,
      { xs: tf.tensor2d(xs), labels },
      { attack: 'fgsm', deltas: [0, 2, 4] },
    );
    const text = formatRobustnessTable([
      { name: 'Baseline', report },
      { name: 'Again', report },
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0].split(/\s+/)).toEqual(['FGSM', 'delta', 'clean', '0', '2', '4']);
    const cells = lines[2].split(/\s+/);
    expect(cells[0]).toBe('Baseline');
    expect(Number(cells[1])).toBeCloseTo(100 * report.clean.accuracy, 1);
    expect(Number(cells[4])).toBeCloseTo(100 * report.rows[2].accuracy, 1);
    const errors = formatRobustnessTable(report, { metric: 'error' }).split('\n')[2].split(/\s+/);
    expect(Number(errors[4])).toBeCloseTo(100 * report.rows[2].error, 1);
    // No activation MSE in this report, and reports with different strengths: typed errors.
    expect(() => formatRobustnessTable(report, { metric: 'activationMse' })).toThrow(/activationLayer/);
    const other = { ...report, rows: report.rows.slice(1) };
    expect(() =>
      formatRobustnessTable([
        { name: 'a', report },
        { name: 'b', report: other },
      ]),
    ).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 'reports' }));
  });
});
