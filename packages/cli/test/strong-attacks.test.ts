import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOut, runAnl, tempDir } from './helpers';

type Row = { eps: number; accuracy: number; error: number; se: number };
type Attacked = { attack: string; numExamples: number; rows: Row[]; settings: Record<string, unknown> };

const EPS = [0, 0.01, 0.02, 0.03];

function checkShape(r: Attacked, n: number): void {
  expect(r.numExamples).toBe(n);
  expect(r.rows.map((row) => row.eps)).toEqual(EPS);
  for (const row of r.rows) {
    expect(row.accuracy).toBeGreaterThanOrEqual(0);
    expect(row.accuracy).toBeLessThanOrEqual(1);
    // A count over n images; error and SE follow from it.
    expect(Math.abs(row.accuracy * n - Math.round(row.accuracy * n))).toBeLessThan(1e-9);
    expect(row.error).toBeCloseTo(1 - row.accuracy, 12);
    expect(row.se).toBeCloseTo(Math.sqrt((row.accuracy * (1 - row.accuracy)) / n), 12);
  }
}

describe('anl with APGD, Square and AutoAttack (embedded data, tiny budget)', () => {
  it('train --attacks and attack give AttackResults whose eps-0 row is the clean accuracy', async () => {
    const dir = tempDir('strong');
    const modelDir = join(dir, 'model');
    const n = 60;
    const trained = await runAnl([
      'train',
      '--seed',
      '2',
      '--backend',
      'wasm',
      '--epochs',
      '2',
      '--batch',
      '64',
      '--train-limit',
      '512',
      '--test-limit',
      String(n),
      '--attacks',
      'fgsm,pgd,apgd-ce,square',
      `--attack-eps=${EPS.join(',')}`,
      '--pgd-steps',
      '20',
      '--queries',
      '50',
      '--out',
      join(dir, 'cell.json'),
      '--save-model',
      modelDir,
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const cell = jsonOut(trained) as { clean: { error: number }; robustness: Attacked[] };
    const byName = Object.fromEntries(cell.robustness.map((r) => [r.attack, r]));
    expect(Object.keys(byName)).toEqual(['fgsm', 'pgd', 'apgd-ce', 'square']);
    const clean = 1 - cell.clean.error; // on the same n test images
    for (const r of cell.robustness) {
      checkShape(r, n);
      expect(r.rows[0].accuracy, r.attack).toBeCloseTo(clean, 12); // eps 0 is no attack
    }
    expect(byName.square.settings).toMatchObject({ queries: 50, stochastic: false });
    expect(byName['apgd-ce'].settings).toMatchObject({ steps: 20, stochastic: false });
    // APGD-CE ≤ FGSM is not guaranteed (APGD starts at a random point of the ball, FGSM at x), nor is
    // ≤ PGD: it is APGD's claim at an equal iteration budget (Croce & Hein 2020), seeded here; with
    // this seed APGD is strictly stronger at eps 0.01 and 0.02 (0.45 vs 0.467, 0.283 vs 0.30).
    byName['apgd-ce'].rows.forEach((row, k) => {
      expect(row.accuracy, `eps ${row.eps}`).toBeLessThanOrEqual(byName.pgd.rows[k].accuracy);
    });

    // The saved model under APGD-T and AutoAttack, through `anl attack`, on the same images.
    const attacked = await runAnl([
      'attack',
      '--model-dir',
      modelDir,
      '--backend',
      'wasm',
      '--test-limit',
      String(n),
      '--attack',
      'apgd-t,autoattack',
      '--eps',
      EPS.join(','),
      '--pgd-steps',
      '5',
      '--queries',
      '20',
      '--json',
    ]);
    expect(attacked.code, attacked.stderr).toBe(0);
    const results = (jsonOut(attacked) as { results: Attacked[] }).results;
    expect(results.map((r) => r.attack)).toEqual(['apgd-t', 'autoattack']);
    for (const r of results) {
      checkShape(r, n);
      expect(r.rows[0].accuracy, r.attack).toBeCloseTo(clean, 12);
    }
    expect(results[1].settings.stages).toEqual(['APGD-CE', 'APGD-T-DLR', 'Square-Linf-20']);
  });
});
