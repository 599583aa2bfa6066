import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./pinned-step.mjs', import.meta.url));

/**
 * The same LeNet-5 step (batch 64) pinned to each CPU in turn (`taskset`), one at a time: on a
 * shared VM the CPUs need not be equally fast, and a data-parallel step goes at its slowest
 * worker's pace, so an uneven machine caps the pool's speed-up whatever the pool does. Null where
 * `taskset` is missing.
 */
export function coreSpeeds() {
  const out = [];
  for (let cpu = 0; cpu < cpus().length; cpu++) {
    const run = spawnSync('taskset', ['-c', String(cpu), process.execPath, script], { encoding: 'utf8' });
    if (run.error !== undefined || run.status !== 0) return null;
    out.push(Math.round(JSON.parse(run.stdout.trim().split('\n').pop()).medianMs * 10) / 10);
  }
  return out;
}
