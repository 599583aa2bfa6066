import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { type EnableWebGpuOptions, enableWebGpu } from './enable-webgpu';
import { lenet5ProbeModel } from './lenet5-probe-model';

export type TrainingBackendName = 'webgpu' | 'wasm' | 'cpu';

export interface ProbeTrainingBackendsOptions {
  /** Backends to try, in order (default `['wasm', 'webgpu']`; cpu is the fallback when none works). */
  readonly candidates?: readonly TrainingBackendName[];
  /** Timed LeNet-5 steps per backend (default 3), after `warmup` untimed ones (default 2: shader compiles). */
  readonly steps?: number;
  readonly warmup?: number;
  /** Batch size of the timed step (default 64). */
  readonly batchSize?: number;
  /** How to start webgpu (driver, Dawn options). */
  readonly webgpu?: Omit<EnableWebGpuOptions, 'setBackend'>;
  /**
   * Time webgpu on a software adapter (SwiftShader, lavapipe) too. Default false: measured here, a
   * software GPU is 100x slower than wasm (seconds per LeNet-5 step, most of it the first shader
   * compiles), and slower than the cpu backend too, so it is reported as available but not timed or chosen.
   */
  readonly timeSoftwareGpu?: boolean;
  /** Stop timing a backend once its steps have taken this long (default 20,000 ms); the median so far counts. */
  readonly budgetMs?: number;
  /** Make the chosen backend the active one (default true). */
  readonly select?: boolean;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface TrainingBackendTiming {
  readonly backend: TrainingBackendName;
  readonly available: boolean;
  /** Median time of one LeNet-5 training step, when available and timed. */
  readonly msPerStep?: number;
  /** Timed steps behind msPerStep (fewer than asked when the budget ran out; 0: the warm-up alone). */
  readonly stepsTimed?: number;
  /** Why it is unavailable, or what it runs on (the GPU adapter). */
  readonly detail?: string;
  /** webgpu on a CPU implementation of Vulkan (SwiftShader, lavapipe). */
  readonly software?: boolean;
}

export interface TrainingBackendProbe {
  /** The fastest available backend: webgpu only when it beats wasm; cpu when nothing else starts. */
  readonly chosen: TrainingBackendName;
  readonly results: readonly TrainingBackendTiming[];
}

async function start(
  name: TrainingBackendName,
  options: ProbeTrainingBackendsOptions,
): Promise<string | undefined> {
  if (name === 'webgpu') {
    const info = await enableWebGpu({ ...options.webgpu, setBackend: true });
    return `${info.description || info.device || info.vendor}${info.software ? ' (software)' : ''}`;
  }
  if (name === 'wasm') {
    const { enableWasmTraining } = await import('@anl/tfjs/wasm-training');
    await enableWasmTraining();
    return undefined;
  }
  // Not imported here (it is no dependency of this package): '@tensorflow/tfjs' registers it.
  if (tf.findBackendFactory('cpu') == null || !(await tf.setBackend('cpu'))) {
    throw new Error(
      "the tfjs cpu backend is not registered: import '@tensorflow/tfjs' or '@tensorflow/tfjs-backend-cpu'",
    );
  }
  return undefined;
}

/** Median ms of `steps` SGD steps of LeNet-5 on the active backend, each ending with the loss read back. */
async function timeLenet5Steps(
  steps: number,
  warmup: number,
  batchSize: number,
  budgetMs: number,
): Promise<{ ms: number; steps: number }> {
  const model = lenet5ProbeModel();
  const xs = tf.tidy(() => tf.sin(tf.reshape(tf.range(0, batchSize * 784), [batchSize, 28, 28, 1])));
  const ys = tf.tidy(() =>
    tf.oneHot(
      tf.tensor1d(
        Int32Array.from({ length: batchSize }, (_, i) => i % 10),
        'int32',
      ),
      10,
    ),
  );
  const optimizer = tf.train.sgd(0.01);
  const times: number[] = [];
  let last = Number.NaN;
  const started = performance.now();
  try {
    for (let i = 0; i < warmup + steps; i++) {
      if (i > 0 && performance.now() - started > budgetMs) break;
      const t0 = performance.now();
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar,
        true,
      );
      await loss?.data();
      loss?.dispose();
      last = performance.now() - t0;
      if (i >= warmup) times.push(last);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  }
  if (times.length === 0) return { ms: last, steps: 0 };
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], steps: times.length };
}

function positiveInteger(value: number | undefined, fallback: number, argument: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new AnlError('INVALID_ARGUMENT', `${argument} must be a positive integer, got ${value}`, {
      argument,
    });
  }
  return value;
}

/**
 * Times one LeNet-5 training step on each candidate backend and picks the fastest that starts: webgpu
 * only when it is faster than wasm (a software GPU such as SwiftShader is not), wasm otherwise, cpu
 * when nothing else starts. Backends that fail to start are reported with the reason, never thrown.
 */
export async function probeTrainingBackends(
  options: ProbeTrainingBackendsOptions = {},
): Promise<TrainingBackendProbe> {
  const candidates = options.candidates ?? ['wasm', 'webgpu'];
  for (const c of candidates) {
    if (c !== 'webgpu' && c !== 'wasm' && c !== 'cpu') {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `candidates must hold 'webgpu', 'wasm' or 'cpu', got ${String(c)}`,
        {
          argument: 'candidates',
        },
      );
    }
  }
  const steps = positiveInteger(options.steps, 3, 'steps');
  const warmup = positiveInteger(options.warmup, 2, 'warmup');
  const batchSize = positiveInteger(options.batchSize, 64, 'batchSize');
  const budgetMs = positiveInteger(options.budgetMs, 20_000, 'budgetMs');
  const log = options.log ?? (() => {});
  const results: TrainingBackendTiming[] = [];
  for (const backend of candidates) {
    let detail: string | undefined;
    try {
      detail = await start(backend, options);
    } catch (e) {
      const reason = (e as Error).message;
      log(`${backend}: unavailable (${reason})`);
      results.push({ backend, available: false, detail: reason });
      continue;
    }
    const software = backend === 'webgpu' ? (detail?.endsWith('(software)') ?? false) : undefined;
    if (software && !options.timeSoftwareGpu) {
      log(`webgpu: ${detail}: a software GPU, not timed (slower than wasm and cpu)`);
      results.push({ backend, available: true, detail, software });
      continue;
    }
    const timing = await timeLenet5Steps(steps, warmup, batchSize, budgetMs);
    log(
      `${backend}: ${timing.ms.toFixed(1)} ms per LeNet-5 step (batch ${batchSize})${detail ? ` on ${detail}` : ''}`,
    );
    results.push({
      backend,
      available: true,
      msPerStep: timing.ms,
      stepsTimed: timing.steps,
      ...(detail === undefined ? {} : { detail }),
      ...(software === undefined ? {} : { software }),
    });
  }
  const fastest = results
    .filter((r) => r.available && r.msPerStep !== undefined)
    .sort((a, b) => (a.msPerStep as number) - (b.msPerStep as number))[0];
  // Nothing timed (a software GPU alone is slower than cpu too): the cpu backend.
  const chosen: TrainingBackendName = fastest?.backend ?? 'cpu';
  if (options.select !== false && tf.getBackend() !== chosen) await start(chosen, options);
  log(`chosen: ${chosen}`);
  return { chosen, results };
}
