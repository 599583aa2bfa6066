import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CellSpec, cellArgs } from '../src/cell';
import { certifiedAccuracyAt, parseCertifySettings } from '../src/certification';
import { buildPlots, CERTIFIED_ACCURACY_PLOT } from '../src/report/plots';
import { groupCells } from '../src/report/summarise';
import { formatTables } from '../src/report/tables';
import type { CellResult } from '../src/run-cell';
import { jsonOut, runAnl, TINY, tempDir } from './helpers';

/** A finished cell with only what the report reads for certificates. */
function certifiedCell(seed: number, correctRadii: number[]): CellResult {
  const spec: CellSpec = {
    model: 'lenet5',
    method: 'none',
    seed,
    data: 'embedded',
    epochs: 1,
    batch: 64,
    lr: 0.001,
    optimizer: 'adam',
    attacks: [],
    attackEps: [0],
    pgdSteps: 10,
    gaussianAugmentation: 0.5,
    certify: { sigma: 0.5, n0: 10, n: 100, alpha: 0.001 },
  };
  return {
    schema: 'anl-cell/1',
    id: `c${seed}`,
    spec,
    env: { backend: 'cpu', tfjs: '4.22.0', node: 'v20', finishedAt: '' },
    data: { name: 'embedded', dir: '', nTrain: 10, nTest: 4 },
    train: { seconds: 1, epochs: [] },
    clean: { error: 0.25, se: 0.2, nTest: 4 },
    activationStd: { layers: [], perEpoch: [] },
    robustness: [],
    certification: {
      sigma: 0.5,
      n0: 10,
      n: 100,
      alpha: 0.001,
      images: correctRadii.length,
      abstained: 1,
      correctRadii,
      seconds: 1,
    },
  };
}

describe('certified accuracy against radius (--certify)', () => {
  it('parses sigma,n0,n,alpha and refuses σ <= 0, n0 > n, alpha outside (0, 1) by name', () => {
    expect(parseCertifySettings('0.5,100,1000,0.001')).toEqual({
      sigma: 0.5,
      n0: 100,
      n: 1000,
      alpha: 0.001,
    });
    for (const bad of [
      '0,1,10,0.1',
      '0.5,20,10,0.1',
      '0.5,1,10,1',
      '0.5,1,10,0',
      '0.5,1.5,10,0.1',
      '0.5,1,10',
      '',
    ])
      expect(() => parseCertifySettings(bad)).toThrow(expect.objectContaining({ argument: '--certify' }));
  });

  it('counts an image at radius r when certified correct with a radius >= r (by hand)', () => {
    // Radii 0.3, wrong/abstain, 0.6, 1.2.
    expect(certifiedAccuracyAt([0.3, -1, 0.6, 1.2], [0, 0.25, 0.5, 1, 2])).toEqual([
      0.75, 0.75, 0.5, 0.25, 0,
    ]);
  });

  it('the report draws the curve (mean over seeds) and tabulates it at 0.25, 0.5 and 1', () => {
    const cells = [certifiedCell(1, [0.3, -1, 0.6, 1.2]), certifiedCell(2, [0.1, 0.2, -1, 0.8])];
    const plot = buildPlots(groupCells(cells)).find((p) => p.name === CERTIFIED_ACCURACY_PLOT);
    if (plot === undefined) throw new Error('no certified-accuracy plot');
    const values = (plot.spec.data as { values: { radius: number; accuracy: number }[] }).values;
    // The grid runs from 0 to the largest radius, 1.2, in 200 steps.
    expect(values).toHaveLength(201);
    expect(values[0]).toMatchObject({ radius: 0, accuracy: 75 });
    const at = (r: number) => values.find((v) => Math.abs(v.radius - r) < 1e-9)?.accuracy;
    // r = 0.6: seed 1 has 0.6 and 1.2 (50 %), seed 2 has 0.8 (25 %).
    expect(at(0.6)).toBeCloseTo(37.5, 9);
    expect(at(1.2)).toBeCloseTo(12.5, 9);
    const md = formatTables(cells);
    expect(md).toContain('### Certified accuracy of the smoothed model at L2 radius (%)');
    // r = 0: 75 % both; r = 0.25: 75 % and 25 % (sd 35.36); r = 1: 25 % and 0 %.
    expect(md).toContain(
      '| none +gauss σ=0.5 | 0.5 | 75.00 ± 0.00 | 50.00 ± 35.36 | 37.50 ± 17.68 | 12.50 ± 17.68 | 1, 1 | 4 |',
    );
    // Cells without certificates draw no such plot.
    const plain = { ...cells[0], certification: undefined };
    expect(buildPlots(groupCells([plain])).map((p) => p.name)).not.toContain(CERTIFIED_ACCURACY_PLOT);
  });

  it('a cell with --gaussian-augmentation and --certify round-trips as a command line', () => {
    const spec = certifiedCell(1, []).spec;
    const args = cellArgs(spec, 'x.json');
    expect(args.join(' ')).toContain('--gaussian-augmentation 0.5 --certify 0.5,10,100,0.001');
  });

  it('anl train certifies a Gaussian-augmented model and anl report draws the plot', async () => {
    const out = tempDir('certify');
    const cell = join(out, 'cells', 'cell.json');
    const train = await runAnl([
      'train',
      ...TINY,
      '--gaussian-augmentation',
      '0.25',
      '--certify',
      '0.25,8,40,0.05',
      '--certify-limit',
      '12',
      '--out',
      cell,
    ]);
    expect(train.code, train.stderr).toBe(0);
    const result = JSON.parse(readFileSync(cell, 'utf8')) as CellResult;
    expect(result.spec.gaussianAugmentation).toBe(0.25);
    const c = result.certification;
    expect(c?.images).toBe(12);
    expect(c?.correctRadii).toHaveLength(12);
    // With n = 40 and alpha = 0.05 the bound is at most 0.05^(1/40) = 0.928: radius <= 0.25·Φ⁻¹(0.928) = 0.365.
    for (const r of c?.correctRadii ?? []) expect(r === -1 || (r >= 0 && r <= 0.366)).toBe(true);
    const report = await runAnl(['report', join(out, 'cells'), '--json']);
    expect(report.code, report.stderr).toBe(0);
    expect((jsonOut(report) as { plots: string[] }).plots).toContain(CERTIFIED_ACCURACY_PLOT);
  }, 180_000);
});
