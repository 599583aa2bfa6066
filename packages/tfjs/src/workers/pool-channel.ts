import type { Worker } from 'node:worker_threads';
import { AnlError } from '@anl/core';
import { ERROR_AREA_BYTES, Reply, SLOTS, Slot } from './protocol';
import type { WorkerErrorReport } from './worker-start';

/**
 * Main's side of the words it exchanges with each worker through the control buffer (see
 * protocol.ts): numbered commands, replies awaited with `Atomics.wait`, the workers' error reports.
 * Once a worker dies or answers out of step, `broken` holds the error and the pool refuses to go on.
 */
export class PoolChannel {
  broken: AnlError | null = null;
  private readonly control: Int32Array;
  private readonly errors: Uint8Array;
  /** Each worker's DONE count when its last command was sent (its reply moves it on). */
  private readonly marks: number[];
  /** Commands sent to each worker so far (the number of the last, see Slot.SEQ). */
  private readonly sent: number[];

  constructor(
    readonly workers: readonly Worker[],
    control: SharedArrayBuffer,
    errors: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(control);
    this.errors = new Uint8Array(errors);
    this.marks = workers.map(() => 0);
    this.sent = workers.map(() => 0);
  }

  /** The error of the first worker that failed (not one that was called off), or died (which breaks the pool). */
  failure(active: readonly number[], replies: readonly number[]): AnlError {
    const died = active.find((_, i) => replies[i] === Reply.DIED);
    if (died !== undefined) {
      this.broken = new AnlError(
        'WORKER_FAILED',
        `training worker ${died} died during a step; the weights and the optimizer are as before the step`,
        { argument: 'options.workers' },
      );
      return this.broken;
    }
    for (let i = 0; i < active.length; i++) {
      if (replies[i] !== Reply.FAILED) continue;
      const report = this.errorOf(active[i]);
      if (report.name === 'Aborted') continue;
      return workerError(active[i], report);
    }
    const codes = replies.map(
      (r, i) =>
        `worker ${active[i]}: ${r === Reply.AT_POINT ? `at noise point ${this.slot(active[i], Slot.POINT)}` : `reply ${r}`}`,
    );
    return new AnlError(
      'WORKER_FAILED',
      `the training workers went out of step (${codes.join(', ')}); is every noise layer in the model's graph?`,
      { argument: 'model' },
    );
  }

  private errorOf(k: number): WorkerErrorReport {
    const bytes = this.slot(k, Slot.ERROR_BYTES);
    const text = new TextDecoder().decode(
      this.errors.slice(k * ERROR_AREA_BYTES, k * ERROR_AREA_BYTES + bytes),
    );
    try {
      return JSON.parse(text) as WorkerErrorReport;
    } catch {
      return { name: 'Error', message: text };
    }
  }

  slot(k: number, slot: number): number {
    return Atomics.load(this.control, k * SLOTS + slot);
  }

  setSlot(k: number, slot: number, value: number): void {
    Atomics.store(this.control, k * SLOTS + slot, value);
  }

  /** Sends worker k a command (numbered: its reply must echo the number). */
  send(k: number, command: number): void {
    const base = k * SLOTS;
    this.control[base + Slot.COMMAND] = command;
    this.control[base + Slot.SEQ] = ++this.sent[k];
    this.marks[k] = Atomics.load(this.control, base + Slot.DONE);
    Atomics.add(this.control, base + Slot.GO, 1);
    Atomics.notify(this.control, base + Slot.GO);
  }

  /** Sleeps until worker k answers the last command (a worker that ends answers DIED). */
  receive(k: number): number {
    const at = k * SLOTS + Slot.DONE;
    while (Atomics.load(this.control, at) === this.marks[k])
      Atomics.wait(this.control, at, this.marks[k], 1000);
    const reply = Atomics.load(this.control, k * SLOTS + Slot.REPLY);
    const answers = Atomics.load(this.control, k * SLOTS + Slot.ACK);
    // Every command gets exactly one reply; anything else is a broken protocol, not to go on from.
    if (reply !== Reply.DIED && answers !== this.sent[k]) {
      this.broken = new AnlError(
        'WORKER_FAILED',
        `training worker ${k} answered command ${answers} (reply ${reply}) while main waited for command ${this.sent[k]}'s answer; the pool is out of step and was stopped`,
        { argument: 'options.workers' },
      );
      throw this.broken;
    }
    return reply;
  }
}

/** A worker's error on main: an AnlError keeps its code and argument; anything else is WORKER_FAILED. */
export function workerError(k: number, report: WorkerErrorReport): AnlError {
  if (report.name === 'AnlError' && report.code !== undefined) {
    return new AnlError(report.code as AnlError['code'], `training worker ${k}: ${report.message}`, {
      argument: report.argument,
    });
  }
  return new AnlError('WORKER_FAILED', `training worker ${k} failed: ${report.name}: ${report.message}`, {
    argument: 'model',
  });
}
