// APGD-CE, APGD-T, Square and AutoAttack on the tfjs webgpu backend (Dawn in Node; SwiftShader in CI)
// give the cpu backend's results. Dawn cannot read synchronously, so these run through the
// classifier's async members: `run` takes them by itself there, `runAsync` asks for them.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebGpu, tinyConvNet, worstDifference } from '../../test/webgpu';
import { ApgdAttack } from './apgd';
import type { Attack } from './attack-run';
import { autoAttack } from './auto-attack';
import { LinfPgdAttack } from './fgsm-pgd';
import { SquareAttack } from './square';
import { tfjsAttackClassifier } from './tfjs-attack-classifier';

const gpu = await startWebGpu('webgpu attack-object tests');
afterAll(() => tf.setBackend('cpu'));

const SAMPLES = 8;
const inputs = Float32Array.from({ length: SAMPLES * 36 }, (_, i) => 0.5 + 0.45 * Math.sin(i * 1.7));
const EPS = [0.05, 0.3];

const attacks: { attack: Attack; useRunAsync: boolean }[] = [
  { attack: new ApgdAttack({ steps: 5, seed: 1 }), useRunAsync: false },
  { attack: new ApgdAttack({ steps: 4, targetClasses: 2, seed: 2 }), useRunAsync: true },
  { attack: new SquareAttack({ queries: 15, seed: 3 }), useRunAsync: false },
  { attack: new LinfPgdAttack({ steps: 3, eot: 2, seed: 4 }), useRunAsync: true },
];

/** Every attack on `backend`, against the model's predictions, host copies out. */
async function attacksOn(backend: 'cpu' | 'webgpu') {
  await tf.setBackend(backend);
  const model = tinyConvNet();
  const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
  const x = tf.tensor4d(inputs, [SAMPLES, 6, 6, 1]);
  const before = tf.memory().numTensors;
  const out: { name: string; adversarial: Float32Array[]; success: number[][]; logits: Float32Array }[] = [];
  for (const { attack, useRunAsync } of attacks) {
    const run = useRunAsync && backend === 'webgpu' ? attack.runAsync?.bind(attack) : attack.run.bind(attack);
    const result = await (run as Attack['run'])(classifier, x, 'predicted', { epsilons: EPS });
    out.push({
      name: result.attack,
      adversarial: await Promise.all(
        result.results.map(async (r) => (await r.adversarial.data()) as Float32Array),
      ),
      success: result.results.map((r) => Array.from(r.success)),
      // Logits at the large-eps adversarial points, read the async way on both backends.
      logits: await (classifier.logitsAsync as NonNullable<typeof classifier.logitsAsync>)(
        result.results[1].adversarial,
      ),
    });
    tf.dispose(result.results.map((r) => r.adversarial));
  }
  const auto = await autoAttack(classifier, x, 'predicted', {
    norm: 'linf',
    eps: 0.1,
    steps: 3,
    queries: 10,
    targetClasses: 2,
    seed: 5,
  });
  const autoOut = {
    adversarial: (await auto.adversarial.data()) as Float32Array,
    success: Array.from(auto.success),
    stages: auto.stages.map((s) => [s.attack, s.robustAccuracy, s.newlyFooled]),
  };
  auto.adversarial.dispose();
  const leaked = tf.memory().numTensors - before;
  x.dispose();
  model.dispose();
  return { attacks: out, auto: autoOut, leaked, readsSync: classifier.readsSync?.() };
}

describe.skipIf(gpu.skipReason !== undefined)(
  `attack objects on the webgpu backend (${gpu.info?.description ?? 'none'})`,
  () => {
    it("APGD-CE, APGD-T, Square, EOT-PGD and AutoAttack give the cpu backend's results", async () => {
      const cpu = await attacksOn('cpu');
      const webgpu = await attacksOn('webgpu');
      expect([cpu.readsSync, webgpu.readsSync]).toEqual([true, false]);
      for (let k = 0; k < attacks.length; k++) {
        const [c, g] = [cpu.attacks[k], webgpu.attacks[k]];
        expect(g.name).toBe(c.name);
        expect(g.success).toEqual(c.success);
        for (let e = 0; e < EPS.length; e++)
          expect(worstDifference(c.adversarial[e], g.adversarial[e])).toBeLessThan(1e-5);
        expect(worstDifference(c.logits, g.logits)).toBeLessThan(1e-4);
        // At eps 0.3 the attack fooled some inputs (it is not comparing two copies of x).
        expect(c.success[1].some((s) => s === 1)).toBe(true);
        expect(worstDifference(inputs, c.adversarial[1])).toBeGreaterThan(0.01);
      }
      expect(webgpu.auto.stages).toEqual(cpu.auto.stages);
      expect(webgpu.auto.success).toEqual(cpu.auto.success);
      expect(worstDifference(cpu.auto.adversarial, webgpu.auto.adversarial)).toBeLessThan(1e-5);
      expect(cpu.auto.success.some((s) => s === 1)).toBe(true);
      expect([cpu.leaked, webgpu.leaked]).toEqual([0, 0]);
    });
  },
);
