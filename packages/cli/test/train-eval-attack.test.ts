import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOut, runAnl, TINY, TINY_ATTACKS, tempDir } from './helpers';

describe('anl train, eval and attack end to end (embedded data, tiny budget)', () => {
  it('trains, writes the result and the model; eval and attack on the saved model agree with it', async () => {
    const dir = tempDir('train');
    const out = join(dir, 'cell.json');
    const modelDir = join(dir, 'model');
    const trained = await runAnl([
      'train',
      '--method',
      'anl',
      '--eps',
      '0.03',
      '--seed',
      '3',
      ...TINY,
      ...TINY_ATTACKS,
      '--attack-limit',
      '100',
      '--out',
      out,
      '--save-model',
      modelDir,
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/epoch 1\/1 \[#+\] 4\/4/); // progress on stderr: 256 images / 64
    const result = jsonOut(trained) as Record<string, any>;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(result);
    expect(existsSync(join(modelDir, 'model.json'))).toBe(true);
    expect(result).toMatchObject({
      schema: 'anl-cell/1',
      id: 'lenet5-anl-eps0.03-seed3',
      spec: {
        model: 'lenet5',
        method: 'anl',
        eps: 0.03,
        seed: 3,
        epochs: 1,
        trainLimit: 256,
        testLimit: 100,
      },
      data: { name: 'embedded', nTrain: 256, nTest: 100 },
    });
    // Test error is a count over 100 images; its SE is the binomial one.
    const { error, se, nTest } = result.clean;
    expect(Math.abs(error * 100 - Math.round(error * 100))).toBeLessThan(1e-9);
    expect(se).toBeCloseTo(Math.sqrt((error * (1 - error)) / nTest), 12);
    expect(result.train.epochs).toHaveLength(1);
    expect(result.train.epochs[0]).toMatchObject({ epoch: 1, eps: 0.03, testError: error });
    // Two noise layers in LeNet-5: a std per layer before training and after the epoch.
    expect(result.activationStd.layers).toHaveLength(2);
    expect(result.activationStd.perEpoch.map((p: any) => p.epoch)).toEqual([0, 1]);
    for (const p of result.activationStd.perEpoch) for (const s of p.std) expect(s).toBeGreaterThan(0);
    expect(result.featureMaps.maps).toHaveLength(6); // 6 channels of 28 x 28 in (0, 1)
    for (const m of result.featureMaps.maps) {
      expect(m).toHaveLength(28);
      for (const row of m) for (const v of row) expect(v >= 0 && v <= 1).toBe(true);
    }
    expect(result.gradientSimilarity.matrix).toHaveLength(10);
    // Eps 0 is no attack: accuracy there is the clean accuracy on the same 100 images.
    for (const attack of result.robustness) {
      expect(attack.numExamples).toBe(100);
      expect(attack.rows.map((r: any) => r.eps)).toEqual([0, 0.05]);
      expect(attack.rows[0].accuracy).toBeCloseTo(1 - error, 12);
      expect(attack.rows[1].accuracy).toBeLessThanOrEqual(attack.rows[0].accuracy);
    }

    const evaluated = await runAnl([
      'eval',
      '--model-dir',
      modelDir,
      '--backend',
      'wasm',
      '--test-limit',
      '100',
      '--json',
    ]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(jsonOut(evaluated)).toMatchObject({ nTest: 100, error, se });

    const attacked = await runAnl([
      'attack',
      '--model-dir',
      modelDir,
      '--backend',
      'wasm',
      '--test-limit',
      '100',
      '--attack',
      'fgsm',
      '--eps',
      '0,0.05',
      '--json',
    ]);
    expect(attacked.code, attacked.stderr).toBe(0);
    const fgsm = (jsonOut(attacked) as any).results[0];
    const trainedFgsm = result.robustness.find((r: any) => r.attack === 'fgsm');
    expect(fgsm.rows.map((r: any) => r.accuracy)).toEqual(trainedFgsm.rows.map((r: any) => r.accuracy));
  });
});
