import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, jsonOut, runAnl, TINY, tempDir } from './helpers';

const GRID = ['--methods', 'none,anl,canl', '--eps', '0.03', '--seeds', '1'];
const IDS = ['lenet5-anl-eps0.03-seed1', 'lenet5-canl-eps0.03-seed1', 'lenet5-none-seed1'];

function cellFiles(out: string): string[] {
  const dir = join(out, 'cells');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
}

describe('anl compare', () => {
  it('runs a grid in parallel worker processes, one file per cell, and skips finished cells on a rerun', async () => {
    const out = tempDir('compare');
    const first = await runAnl(['compare', '--out', out, ...GRID, ...TINY, '--jobs', '2', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const summary = jsonOut(first) as Record<string, any>;
    expect(summary).toMatchObject({ cells: 3, skipped: [], failed: [] });
    expect([...summary.ran].sort()).toEqual(IDS);
    expect(cellFiles(out)).toEqual(IDS.map((id) => `${id}.json`));
    const mtimes = IDS.map((id) => statSync(join(out, 'cells', `${id}.json`)).mtimeMs);

    const again = await runAnl(['compare', '--out', out, ...GRID, ...TINY, '--jobs', '2', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonOut(again)).toMatchObject({ ran: [], failed: [] });
    expect([...(jsonOut(again) as any).skipped].sort()).toEqual(IDS);
    expect(IDS.map((id) => statSync(join(out, 'cells', `${id}.json`)).mtimeMs)).toEqual(mtimes);
  });

  it('resumes a killed sweep without redoing the cells it had finished', async () => {
    const out = tempDir('resume');
    const args = ['compare', '--out', out, ...GRID, ...TINY, '--jobs', '1'];
    // Its own process group, so the kill takes the worker with it, as Ctrl-C or a scheduler would.
    const sweep: ChildProcess = spawn(process.execPath, [BIN, ...args], { detached: true, stdio: 'ignore' });
    const deadline = Date.now() + 240_000;
    while (cellFiles(out).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    process.kill(-(sweep.pid as number), 'SIGKILL');
    await new Promise((r) => sweep.once('exit', r));
    const finished = cellFiles(out);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(finished.length).toBeLessThan(3);
    const before = finished.map((f) => statSync(join(out, 'cells', f)).mtimeMs);

    const resumed = await runAnl([...args, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = jsonOut(resumed) as Record<string, any>;
    expect([...summary.skipped].sort()).toEqual(finished.map((f) => f.replace(/\.json$/, '')));
    expect(summary.ran).toHaveLength(3 - finished.length);
    expect(cellFiles(out)).toEqual(IDS.map((id) => `${id}.json`));
    expect(finished.map((f) => statSync(join(out, 'cells', f)).mtimeMs)).toEqual(before);
    expect(readdirSync(join(out, 'cells')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
