// `run` and `runAsync` are one algorithm read two ways: the async reads must give the sync results
// exactly, go through the classifier's async members only, and `run` must take them where the
// classifier says it cannot read synchronously (the webgpu backend in Node).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, useCpu } from '../../test/fixtures';
import { linearClassifier, refInput } from '../../test/reference-classifier';
import { ApgdAttack } from './apgd';
import type { AttackClassifier } from './attack-classifier';
import type { Attack, AttackResult } from './attack-run';
import { autoAttack, autoAttackAsync } from './auto-attack';
import { FgsmAttack, L2PgdAttack, LinfPgdAttack } from './fgsm-pgd';
import { crossEntropyLoss } from './losses';
import { SquareAttack } from './square';
import { tfjsAttackClassifier } from './tfjs-attack-classifier';

beforeAll(useCpu);

/** conv(3x3, tanh) -> flatten -> dense(4): logits out, 4 classes (DLR and APGD-T-DLR apply). */
function convNet(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [6, 6, 1],
        filters: 2,
        kernelSize: 3,
        activation: 'tanh',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
}

/** The classifier with its calls counted, and its sync members made to throw when `syncBroken`. */
function counted(classifier: AttackClassifier<tf.Tensor>, syncBroken = false) {
  const calls = { sync: 0, async: 0 };
  const refuse = () => {
    throw new Error('sync member called');
  };
  const wrapped: AttackClassifier<tf.Tensor> = {
    ...classifier,
    logits: (x) => {
      calls.sync++;
      return syncBroken ? refuse() : classifier.logits(x);
    },
    gradient: (x, w) => {
      calls.sync++;
      return syncBroken ? refuse() : classifier.gradient(x, w);
    },
    logitsAsync: (x) => {
      calls.async++;
      return (classifier.logitsAsync as NonNullable<typeof classifier.logitsAsync>)(x);
    },
    gradientAsync: (x, w) => {
      calls.async++;
      return (classifier.gradientAsync as NonNullable<typeof classifier.gradientAsync>)(x, w);
    },
    readsSync: () => !syncBroken,
  };
  return { classifier: wrapped, calls };
}

async function hostCopy(result: AttackResult<tf.Tensor>) {
  const out = {
    clean: result.cleanAccuracy,
    rows: await Promise.all(
      result.results.map(async (r) => ({
        adversarial: Array.from(await r.adversarial.data()),
        success: Array.from(r.success),
        robustAccuracy: r.robustAccuracy,
      })),
    ),
  };
  tf.dispose(result.results.map((r) => r.adversarial));
  return out;
}

const attacks: Attack[] = [
  new FgsmAttack(),
  new LinfPgdAttack({ steps: 4, seed: 3 }),
  new L2PgdAttack({ steps: 3, seed: 1 }),
  new ApgdAttack({ steps: 6, restarts: 2, seed: 2 }),
  new ApgdAttack({ steps: 5, loss: 'dlr', targetClasses: 3, seed: 5 }),
  new SquareAttack({ queries: 12, seed: 4 }),
  new SquareAttack({ queries: 8, norm: 'l2', seed: 6 }),
];

describe('run and runAsync: one algorithm, two ways to read', () => {
  const rand = mulberry32(17);
  const inputs = Float32Array.from({ length: 6 * 36 }, () => 0.1 + 0.8 * rand());
  const labels = [0, 1, 2, 3, 0, 1];

  for (const attack of attacks) {
    it(`${attack.name}: runAsync gives run's results through the async members only`, async () => {
      const model = convNet();
      const x = tf.tensor4d(inputs, [6, 6, 6, 1]);
      const plain = tfjsAttackClassifier(model, { bounds: [0, 1] });
      const sync = counted(plain);
      const async = counted(plain);
      const eps = attack.name.includes('L2') ? [0.5, 2] : [0.03, 0.3];
      const before = tf.memory().numTensors;
      // Against the model's own predictions: every success is the attack's doing.
      const expected = await hostCopy(await attack.run(sync.classifier, x, 'predicted', { epsilons: eps }));
      const got = await hostCopy(
        await (attack.runAsync as NonNullable<Attack['runAsync']>)(async.classifier, x, 'predicted', {
          epsilons: eps,
        }),
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(got).toEqual(expected);
      // The attack did something at the large eps (the comparison is not of two copies of x).
      expect(expected.clean).toBe(1);
      expect(expected.rows[1].success.some((s) => s === 1)).toBe(true);
      expect([sync.calls.sync > 0, sync.calls.async]).toEqual([true, 0]);
      expect([async.calls.async > 0, async.calls.sync]).toEqual([true, 0]);
      tf.dispose(x);
      model.dispose();
    });
  }

  it('run takes the async members where the classifier cannot read synchronously', async () => {
    const model = convNet();
    const x = tf.tensor4d(inputs, [6, 6, 6, 1]);
    const plain = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const broken = counted(plain, true);
    const attack = new ApgdAttack({ steps: 4, seed: 1 });
    const expected = await hostCopy(await attack.run(plain, x, labels, { epsilons: [0.1] }));
    const got = await hostCopy(await attack.run(broken.classifier, x, labels, { epsilons: [0.1] }));
    expect(got).toEqual(expected);
    // 'predicted' labels are read through the async members too.
    await hostCopy(await attack.run(broken.classifier, x, 'predicted', { epsilons: [0.1] }));
    expect(broken.calls.sync).toBe(0);
    expect(broken.calls.async).toBeGreaterThan(0);
    // Without async members there is nothing to fall back to: a typed error, before any work.
    const noAsync: AttackClassifier<tf.Tensor> = {
      ...plain,
      logitsAsync: undefined,
      gradientAsync: undefined,
      readsSync: () => false,
    };
    await expect(attack.run(noAsync, x, labels, { epsilons: [0.1] })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
    tf.dispose(x);
    model.dispose();
  });

  it('autoAttackAsync gives autoAttack results, stage by stage', async () => {
    const model = convNet();
    const x = tf.tensor4d(inputs, [6, 6, 6, 1]);
    const plain = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const async = counted(plain);
    const options = { norm: 'linf' as const, eps: 0.08, steps: 4, queries: 10, targetClasses: 2, seed: 1 };
    const before = tf.memory().numTensors;
    const a = await autoAttack(plain, x, 'predicted', options);
    const b = await autoAttackAsync(async.classifier, x, 'predicted', options);
    expect(Array.from(await b.adversarial.data())).toEqual(Array.from(await a.adversarial.data()));
    expect(Array.from(b.success)).toEqual(Array.from(a.success));
    expect(b.stages.map((s) => [s.attack, s.robustAccuracy, s.newlyFooled])).toEqual(
      a.stages.map((s) => [s.attack, s.robustAccuracy, s.newlyFooled]),
    );
    expect(a.robustAccuracy).toBeLessThan(a.cleanAccuracy);
    expect(async.calls.sync).toBe(0);
    tf.dispose([a.adversarial, b.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
  });

  it("gradientAsync equals gradient (the weight made from the same pass's logits)", async () => {
    const model = convNet();
    const x = tf.tensor4d(inputs, [6, 6, 6, 1]);
    const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const y = Int32Array.from(labels);
    const w = (z: Float32Array) => crossEntropyLoss(z, y, 4).gradient;
    const sync = classifier.gradient(x, w);
    const async = await (classifier.gradientAsync as NonNullable<typeof classifier.gradientAsync>)(x, w);
    expect(Array.from(async.logits)).toEqual(Array.from(sync.logits));
    const a = await sync.gradient.data();
    const b = await async.gradient.data();
    expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(1e-3);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
    expect(classifier.readsSync?.()).toBe(true);
    tf.dispose([x, sync.gradient, async.gradient]);
    model.dispose();
  });

  it('a classifier without async members (host reference) runs under runAsync through its sync ones', async () => {
    const r = mulberry32(5);
    const W = Array.from({ length: 3 }, () => Array.from({ length: 36 }, () => r() * 2 - 1));
    const host = linearClassifier(W, [0, 0.1, -0.1]);
    const x = refInput([2, 6, 6, 1], r, 0, 1);
    const attack = new ApgdAttack({ steps: 3 });
    const a = await attack.run(host, x, [0, 1], { epsilons: [0.2] });
    const b = await attack.runAsync(host, x, [0, 1], { epsilons: [0.2] });
    expect(Array.from(b.results[0].adversarial.data)).toEqual(Array.from(a.results[0].adversarial.data));
  });
});
