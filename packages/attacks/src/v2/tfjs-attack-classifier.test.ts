import { parametricNoiseLayer } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  finiteDifferenceGradient,
  mlpLoss,
  mlpModel,
  mlpParams,
  mulberry32,
  useCpu,
} from '../../test/fixtures';
import { ApgdAttack } from './apgd';
import { checkRun } from './attack-run';
import { autoAttack } from './auto-attack';
import { eotGradient } from './eot';
import { FgsmAttack, L2PgdAttack, LinfPgdAttack } from './fgsm-pgd';
import { crossEntropyLoss } from './losses';
import { SquareAttack } from './square';
import { tfjsAttackClassifier } from './tfjs-attack-classifier';

beforeAll(useCpu);

const rand = mulberry32(51);
const rows = (n: number, d: number) =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => rand()));

describe('tfjs classifier and the descent template', () => {
  it('FGSM equals one-step PGD without random start, and x + eps·sign(∇CE) by finite differences', async () => {
    const model = mlpModel(6, 5, 3, 3);
    const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const xs = rows(8, 6).map((r) => r.map((v) => 0.2 + 0.6 * v));
    const x = tf.tensor2d(xs);
    const labels = [0, 1, 2, 0, 1, 2, 0, 1];
    const eps = 0.05;
    const fgsm = await new FgsmAttack().run(classifier, x, labels, { epsilons: [eps] });
    const pgd1 = await new LinfPgdAttack({ steps: 1, relativeStepSize: 1, randomStart: false }).run(
      classifier,
      x,
      labels,
      {
        epsilons: [eps],
      },
    );
    const a = fgsm.results[0].adversarial.arraySync() as number[][];
    expect(a).toEqual(pgd1.results[0].adversarial.arraySync());
    expect(Array.from(fgsm.results[0].success)).toEqual(Array.from(pgd1.results[0].success));
    const p = mlpParams(model);
    const predicted = classifier.logits(x);
    for (let i = 0; i < 8; i++) {
      const row = Array.from(predicted.subarray(i * 3, i * 3 + 3));
      const wrongAtStart = row.indexOf(Math.max(...row)) !== labels[i];
      const g = finiteDifferenceGradient((v) => mlpLoss(p, v, labels[i]), xs[i]);
      // A point misclassified before the step keeps x (it was already adversarial).
      const expected = wrongAtStart ? xs[i] : xs[i].map((v, j) => v + eps * Math.sign(g[j]));
      for (let j = 0; j < 6; j++) expect(a[i][j]).toBeCloseTo(expected[j], 5);
    }
    tf.dispose([x, fgsm.results[0].adversarial, pgd1.results[0].adversarial]);
  });

  it('the input gradient of the CE weight equals finite differences of the float64 loss', async () => {
    const model = mlpModel(4, 5, 3, 9);
    const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const xs = rows(3, 4);
    const x = tf.tensor2d(xs);
    const labels = Int32Array.from([2, 0, 1]);
    const { gradient } = classifier.gradient(x, (z) => crossEntropyLoss(z, labels, 3).gradient);
    const g = gradient.arraySync() as number[][];
    const p = mlpParams(model);
    for (let i = 0; i < 3; i++) {
      const fd = finiteDifferenceGradient((v) => mlpLoss(p, v, labels[i]), xs[i]);
      for (let j = 0; j < 4; j++) expect(g[i][j]).toBeCloseTo(fd[j], 4);
    }
    tf.dispose([x, gradient]);
  });

  it('EOT of a deterministic classifier equals its plain gradient', async () => {
    const classifier = tfjsAttackClassifier(mlpModel(5, 6, 4, 5), { bounds: [0, 1] });
    expect(classifier.stochastic).toBe(false);
    const x = tf.tensor2d(rows(4, 5));
    const labels = [3, 2, 1, 0];
    const run = await checkRun(classifier, x, labels, { epsilons: [0.1] }, false, 'sync');
    const w = (z: Float32Array) => crossEntropyLoss(z, run.labels, 4).gradient;
    const plain = classifier.gradient(x, w);
    const averaged = await eotGradient(run, x, w, 7);
    const a = plain.gradient.dataSync();
    const b = averaged.gradient.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
    const single = await new LinfPgdAttack({ steps: 3, eot: 1 }).run(classifier, x, labels, {
      epsilons: [0.1],
    });
    const many = await new LinfPgdAttack({ steps: 3, eot: 5 }).run(classifier, x, labels, {
      epsilons: [0.1],
    });
    expect(many.results[0].adversarial.arraySync()).toEqual(single.results[0].adversarial.arraySync());
    tf.dispose([
      x,
      plain.gradient,
      averaged.gradient,
      single.results[0].adversarial,
      many.results[0].adversarial,
    ]);
  });

  it('a PNI layer makes the classifier stochastic; inference-off noise does not', () => {
    const build = (active: boolean) =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [4], units: 6 }),
          parametricNoiseLayer({ activeAtInference: active }),
          tfl.layers.dense({ units: 3 }),
        ],
      });
    const noisy = tfjsAttackClassifier(build(true), { bounds: [0, 1] });
    const quiet = tfjsAttackClassifier(build(false), { bounds: [0, 1] });
    expect([noisy.stochastic, quiet.stochastic]).toEqual([true, false]);
    const x = tf.tensor2d(rows(2, 4));
    expect(Array.from(noisy.logits(x))).not.toEqual(Array.from(noisy.logits(x)));
    expect(Array.from(quiet.logits(x))).toEqual(Array.from(quiet.logits(x)));
    x.dispose();
  });

  it('no tensor leaks over 100 attack calls (every attack, and autoAttack)', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [6, 6, 1] }), tfl.layers.dense({ units: 4 })],
    });
    const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const x = tf.randomUniform([3, 6, 6, 1], 0, 1, 'float32', 1);
    const labels = [0, 1, 2];
    classifier.logits(x); // builds nothing lazily after this
    const before = tf.memory().numTensors;
    const attacks = [
      new FgsmAttack(),
      new LinfPgdAttack({ steps: 2 }),
      new L2PgdAttack({ steps: 2 }),
      new ApgdAttack({ steps: 3, restarts: 2 }),
      new ApgdAttack({ steps: 3, loss: 'dlr', targetClasses: 2 }),
      new SquareAttack({ queries: 3 }),
      new SquareAttack({ queries: 3, norm: 'l2' }),
    ];
    for (let call = 0; call < 98; call++) {
      const result = await attacks[call % attacks.length].run(classifier, x, labels, {
        epsilons: [0.05, 0.2],
      });
      tf.dispose(result.results.map((r) => r.adversarial));
    }
    for (let call = 0; call < 2; call++) {
      const result = await autoAttack(classifier, x, labels, {
        norm: 'linf',
        eps: 0.1,
        steps: 3,
        queries: 3,
        targetClasses: 2,
      });
      result.adversarial.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
