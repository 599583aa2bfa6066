import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, jsonOut, runAnl, TINY, tempDir } from './helpers';

const GRID = ['--methods', 'none,anl', '--eps', '0.03,0.05', '--seeds', '1,2'];
// none × 2 seeds + anl × 2 eps × 2 seeds
const CELLS = 6;

describe('anl compare --emit', () => {
  it('writes one standalone command per cell; one run alone is merged by report', async () => {
    const out = tempDir('emit');
    const launcher = `${process.execPath} ${BIN}`;
    const r = await runAnl([
      'compare',
      '--out',
      out,
      ...GRID,
      ...TINY,
      '--emit',
      'commands',
      '--launcher',
      launcher,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'commands.txt'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(CELLS);
    expect((jsonOut(r) as any).lines).toEqual(lines);
    for (const line of lines) expect(line.startsWith(`${launcher} train `)).toBe(true);
    const line = lines.find(
      (l) => l.includes('--method anl') && l.includes('--eps=0.05') && l.includes('--seed 2'),
    );
    expect(line).toBeDefined();
    // The line runs alone, in a shell, from another folder, as on a cluster node.
    const ran = spawnSync('bash', ['-c', line as string], { cwd: '/', encoding: 'utf8' });
    expect(ran.status, ran.stderr).toBe(0);
    const report = await runAnl(['report', out, '--json']);
    expect(report.code, report.stderr).toBe(0);
    expect((jsonOut(report) as any).cells).toEqual(['lenet5-anl-eps0.05-seed2']);
    // That cell is now finished, so a second emit leaves it out.
    const again = await runAnl([
      'compare',
      '--out',
      out,
      ...GRID,
      ...TINY,
      '--emit',
      'commands',
      '--launcher',
      launcher,
      '--json',
    ]);
    expect((jsonOut(again) as any).cells).toBe(CELLS - 1);
  });

  it('writes a Slurm job array that bash parses, with one array task per cell', async () => {
    const out = tempDir('slurm');
    const r = await runAnl(['compare', '--out', out, ...GRID, ...TINY, '--emit', 'slurm']);
    expect(r.code, r.stderr).toBe(0);
    const script = join(out, 'sweep.slurm');
    execFileSync('bash', ['-n', script]); // throws on a syntax error
    const text = readFileSync(script, 'utf8');
    expect(text).toContain(`#SBATCH --array=0-${CELLS - 1}`);
    // The CELLS array, evaluated by bash itself, has one entry per cell.
    const count = execFileSync(
      'bash',
      ['-c', `eval "$(sed -n '/^CELLS=(/,/^)/p' ${script})"; echo \${#CELLS[@]}`],
      { encoding: 'utf8' },
    );
    expect(Number(count.trim())).toBe(CELLS);
  });

  it('writes a Kubernetes Indexed Job that parses as YAML, with one completion per cell', async () => {
    const out = tempDir('k8s');
    const r = await runAnl([
      'compare',
      '--out',
      out,
      ...GRID,
      ...TINY,
      '--emit',
      'k8s',
      '--jobs',
      '3',
      '--image',
      'registry.example/anl:1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const job = parse(readFileSync(join(out, 'sweep-job.yaml'), 'utf8'));
    expect(job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      spec: { completionMode: 'Indexed', completions: CELLS, parallelism: 3 },
    });
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example/anl:1');
    const script: string = container.command[2];
    const cases = script.split('\n').filter((l) => /^\s*\d+\) /.test(l));
    expect(cases.map((l) => Number(l.trim().split(')')[0]))).toEqual([0, 1, 2, 3, 4, 5]);
    execFileSync('bash', ['-n', '-c', script]);
  });
});
