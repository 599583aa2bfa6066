import { spawn, spawnSync } from 'node:child_process';
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

/** Runs pinned-step.mjs (batch `batch`) pinned to `cpu`, starting its timing at `startAt`. */
function pinnedRun(cpu, batch, startAt) {
  return new Promise((resolve) => {
    const child = spawn('taskset', [
      '-c',
      String(cpu),
      process.execPath,
      script,
      String(batch),
      String(startAt),
    ]);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) =>
      resolve(code === 0 ? JSON.parse(out.trim().split('\n').pop()).medianMs : null),
    );
  });
}

/**
 * The best any data-parallel scheme could do on this machine, measured without one: a LeNet-5 step
 * of the whole batch alone on cpu0 and on cpu1, against two independent processes each stepping
 * half the batch at the same time, one per CPU. ceiling = (the whole-batch step, the faster CPU's) /
 * (the slower of the two half-batch steps): what two workers would reach with no overhead at all.
 */
export async function parallelCeiling(batch = 128) {
  const at = () => Date.now() + 4000;
  const whole = [];
  for (const cpu of [0, 1]) whole.push(await pinnedRun(cpu, batch, at()));
  const t = at();
  const halves = await Promise.all([pinnedRun(0, batch / 2, t), pinnedRun(1, batch / 2, t)]);
  if ([...whole, ...halves].some((v) => v === null)) return null;
  const r = (v) => Math.round(v * 10) / 10;
  return {
    batch,
    wholeMs: whole.map(r),
    halvesSideBySideMs: halves.map(r),
    ceiling: Math.round((Math.min(...whole) / Math.max(...halves)) * 100) / 100,
  };
}
