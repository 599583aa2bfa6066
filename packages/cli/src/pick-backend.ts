// Picks the fastest tfjs backend that can train LeNet-5 here: times a few training steps on each
// candidate (wasm with @anl/tfjs/wasm-training's kernels, cpu with its faster weight gradient) and
// keeps the quicker one. A backend that fails to start or to train is skipped.
import { lenet5 } from '@anl/models';
import { enableWasmTraining, registerCpuTrainingKernels } from '@anl/tfjs/wasm-training';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'wasm' | 'cpu';

/** One candidate's probe: ms per LeNet-5 training step, or why it failed; no time when forced. */
export interface BackendProbe {
  name: BackendName;
  msPerStep?: number;
  error?: string;
}

async function activate(name: BackendName): Promise<void> {
  if (name === 'wasm') {
    await enableWasmTraining();
  } else {
    if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed to start');
    registerCpuTrainingKernels();
  }
}

/** Milliseconds per training step of LeNet-5 at `batch` (after one warm-up step). */
async function timeSteps(batch: number, steps: number): Promise<number> {
  const model = lenet5({ seed: 0, noise: false });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.randomUniform([batch, 28, 28, 1]);
  const ys = tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, 10);
  try {
    await model.trainOnBatch(xs, ys);
    const started = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
    return (performance.now() - started) / steps;
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
}

/** `forced`: 'wasm' or 'cpu' to skip the probe. Returns the chosen backend (now active) and the probe. */
export async function pickBackend(
  forced?: BackendName,
): Promise<{ backend: BackendName; probe: BackendProbe[] }> {
  const candidates: readonly BackendName[] = forced ? [forced] : ['wasm', 'cpu'];
  const probe: BackendProbe[] = [];
  for (const name of candidates) {
    try {
      await activate(name);
      probe.push({ name, msPerStep: forced ? undefined : await timeSteps(64, 2) });
    } catch (error) {
      probe.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const working = probe.filter((p) => p.error === undefined);
  if (working.length === 0) throw new Error(`no tfjs backend could train here: ${JSON.stringify(probe)}`);
  const best = working.reduce((a, b) => ((b.msPerStep ?? 0) < (a.msPerStep ?? 0) ? b : a));
  await activate(best.name);
  return { backend: best.name, probe };
}

/** "wasm 31 ms/step, cpu 58 ms/step" for the log line. */
export function describeProbe(probe: readonly BackendProbe[]): string {
  return probe
    .map((p) =>
      p.error
        ? `${p.name} failed (${p.error})`
        : p.msPerStep === undefined
          ? `${p.name} (forced)`
          : `${p.name} ${p.msPerStep.toFixed(0)} ms/step`,
    )
    .join(', ');
}
