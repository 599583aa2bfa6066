import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The first python that imports torch and numpy: $ANL_PYTHON, python3 on PATH (may be a pyenv without torch), Debian's. */
function findPython() {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: bench/ is not a turbo task, nothing is cached
  const candidates = [process.env.ANL_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  const python = candidates.find(
    (p) => spawnSync(p, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0,
  );
  return { python, candidates };
}

/**
 * Runs bench/pytorch/lenet_bench.py (same LeNet-5, Fashion-MNIST, batch 128, the methods written like the
 * paper's algorithms) when a python with torch is present; returns its JSON or `{ skipped: why }`.
 */
export function runPytorchReference({ steps, warmup, epoch, dataDir, threads, methods, timeoutS = 900 }) {
  const { python, candidates } = findPython();
  if (python === undefined) {
    return {
      skipped: `no python with torch and numpy among ${candidates.join(', ')} (Debian: apt install python3-torch; or set ANL_PYTHON)`,
    };
  }
  const args = [
    join(here, '..', 'pytorch', 'lenet_bench.py'),
    '--steps',
    String(steps),
    '--warmup',
    String(warmup),
  ];
  args.push('--epoch', epoch);
  if (threads !== undefined) args.push('--threads', String(threads));
  if (methods !== undefined) args.push('--methods', methods.join(','));
  if (dataDir) args.push('--data', dataDir);
  const run = spawnSync(python, args, { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    return { skipped: `lenet_bench.py failed (status ${run.status}): ${(run.stderr || '').slice(-500)}` };
  }
  try {
    return { python, ...JSON.parse(run.stdout.trim().split('\n').pop()) };
  } catch {
    return { skipped: `lenet_bench.py printed no JSON: ${run.stdout.slice(-300)}` };
  }
}
