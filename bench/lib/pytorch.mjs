import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs bench/pytorch/lenet_bench.py (same LeNet-5, Fashion-MNIST, batch 128, baseline / ANL / CANL written
 * like the paper's algorithms) when python3 can import torch; returns its JSON or `{ skipped: why }`.
 */
export function runPytorchReference({ steps, warmup, epoch, dataDir, timeoutS = 900 }) {
  const probe = spawnSync('python3', ['-c', 'import torch, numpy; print(torch.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    return { skipped: 'python3 with torch and numpy not found (Debian: apt install python3-torch)' };
  }
  const args = [
    join(here, '..', 'pytorch', 'lenet_bench.py'),
    '--steps',
    String(steps),
    '--warmup',
    String(warmup),
    '--epoch',
    epoch,
  ];
  if (dataDir) args.push('--data', dataDir);
  const run = spawnSync('python3', args, { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    return { skipped: `lenet_bench.py failed (status ${run.status}): ${(run.stderr || '').slice(-500)}` };
  }
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    return { skipped: `lenet_bench.py printed no JSON: ${run.stdout.slice(-300)}` };
  }
}
