import { RunningStd } from '../noise/running-std';
import type { TensorOpsV1 } from '../tensor-ops';
import type { StdMode } from './algorithm';
import type { ActivationStats } from './trainable-model';

/**
 * s(h) for every noise point during one step. In `'running'` mode the step uses the stored running
 * value (0 before the first step, as in the authors' code) and the update with this batch's std is
 * held back until `commit`, so a failed step leaves the running std as it was.
 */
export class NoiseScale<T> {
  private readonly running: RunningStd<T>[] = [];
  private pending = new Map<number, T>();

  constructor(
    private readonly ops: TensorOpsV1<T>,
    private readonly mode: StdMode,
    private readonly momentum: number,
  ) {}

  /**
   * s for point `t` given its activations `h`; caller owns it (shape `[]`). `stats.std`, when an
   * adapter computed the std where the activations live, stands for `ops.std(h)` (h is then a
   * stand-in of the right shape).
   */
  scaleFor(t: number, h: T, stats?: ActivationStats): T {
    const std = (): T => (stats === undefined ? this.ops.std(h) : this.ops.fromArray([stats.std], []));
    if (this.mode === 'batch') return std();
    this.running[t] ??= new RunningStd(this.ops, this.momentum);
    const previous = this.pending.get(t);
    if (previous !== undefined) this.ops.dispose(previous);
    this.pending.set(t, this.ops.keep(this.running[t].nextFromStd(std)));
    return this.running[t].valueOrZero();
  }

  /** Stores the running values computed during the step (after the step succeeded). */
  commit(): void {
    for (const [t, value] of this.pending) this.running[t].commit(value);
    this.pending.clear();
  }

  /** Forgets the running values computed during a failed step. */
  discard(): void {
    for (const value of this.pending.values()) this.ops.dispose(value);
    this.pending.clear();
  }

  /** The stored running value of point t (null = 0 or batch mode). For inspection and tests. */
  runningValue(t: number): T | null {
    return this.running[t]?.value ?? null;
  }

  stateBytes(): number {
    return this.running.filter((r) => r?.value != null).length * 4;
  }

  dispose(): void {
    this.discard();
    for (const r of this.running) r?.reset();
  }
}
