import type { MessagePort } from 'node:worker_threads';
import type { SharedAreas } from './protocol';
import type { ReplicaSpec } from './replica-spec';

/** The backends a pool worker can train on. */
export type WorkerBackend = 'wasm' | 'cpu';

/** What a pool worker is started with (its `workerData`). */
export interface WorkerStart {
  readonly index: number;
  readonly spec: ReplicaSpec;
  readonly backend: WorkerBackend;
  /** Modules imported before the replica is built (they register custom layer classes). */
  readonly modules: readonly string[];
  /** Int32 control blocks (see protocol.ts), then one int per noise point: 1 when it has noise. */
  readonly control: SharedArrayBuffer;
  /** One float64 per worker: the mean loss over its rows. */
  readonly losses: SharedArrayBuffer;
  /** Float64 moments of the activations per worker and noise point (`MOMENTS` each, see protocol.ts). */
  readonly moments: SharedArrayBuffer;
  /** `ERROR_AREA_BYTES` per worker. */
  readonly errors: SharedArrayBuffer;
  readonly areas: SharedAreas;
  /** Where RESIZE's new areas arrive (read synchronously with `receiveMessageOnPort`). */
  readonly port: MessagePort;
}

/** What a worker posts once, before it starts serving: ready, or why it could not start. */
export type WorkerHello = { ready: true } | { ready: false; error: WorkerErrorReport };

/** An error as it crosses the thread boundary. */
export interface WorkerErrorReport {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly argument?: string;
}

export function errorReport(error: unknown): WorkerErrorReport {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; argument?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(error),
    argument: typeof e?.argument === 'string' ? e.argument : undefined,
  };
}
