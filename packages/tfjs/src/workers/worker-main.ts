// The entry of a training-pool worker thread (built to dist/workers-worker.js). It imports the
// adapter by package name, as user code does, so the noise layers it rebuilds are the ones
// `TfjsTrainableModel` injects noise into.
import { parentPort, workerData } from 'node:worker_threads';
import { backend, setBackend } from '@tensorflow/tfjs-core';
import { models } from '@tensorflow/tfjs-layers';
import { Reply, SLOTS, Slot } from './protocol';
import { Replica } from './replica';
import { errorReport, type WorkerHello, type WorkerStart } from './worker-start';

async function boot(start: WorkerStart): Promise<Replica> {
  const control = new Int32Array(start.control);
  const base = start.index * SLOTS;
  // A worker that ends (process.exit, a fatal error) says so, so main never waits on it forever.
  process.on('exit', () => {
    control[base + Slot.REPLY] = Reply.DIED;
    Atomics.add(control, base + Slot.DONE, 1);
    Atomics.notify(control, base + Slot.DONE);
  });
  for (const module of start.modules) await import(module);
  const kernels = await import('@anl/tfjs/training-kernels');
  if (start.backend === 'wasm') {
    await kernels.enableWasmTraining();
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
    kernels.registerCpuTrainingKernels();
    if (!(await setBackend('cpu'))) throw new Error('the tfjs cpu backend failed to initialise');
    // Silences the cpu backend's one-time "install tfjs-node" notice, printed once per thread.
    (backend() as { firstUse?: boolean }).firstUse = false;
  }
  const model = await models.modelFromJSON({ modelTopology: start.spec.topology as never });
  return new Replica(start, model);
}

const start = workerData as WorkerStart;
boot(start).then(
  (replica) => {
    parentPort?.postMessage({ ready: true } satisfies WorkerHello);
    replica.serve();
    start.port.close();
  },
  (error: unknown) => {
    parentPort?.postMessage({ ready: false, error: errorReport(error) } satisfies WorkerHello);
  },
);
