import { invalidArgument } from '../errors';
import type { TensorOpsV1 } from '../tensor-ops';

/**
 * The authors' running s(h): `s <- m·s + (1-m)·std(h)`, starting at 0, so the very first step adds
 * no noise. Updates are two-phase (`next` then `commit`) so a training step can compute the new
 * value, use it, and only store it once the step has succeeded.
 */
export class RunningStd<T> {
  private current: T | null = null;

  constructor(
    private readonly ops: TensorOpsV1<T>,
    readonly momentum = 0.9,
  ) {
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
      invalidArgument('momentum', 'a number in [0, 1]', momentum);
    }
  }

  /** The stored value (shape `[]`), owned by this object; null before the first commit (meaning 0). */
  get value(): T | null {
    return this.current;
  }

  /** A caller-owned copy of the stored value: 0 before the first commit. */
  valueOrZero(): T {
    return this.current === null ? this.ops.zeros([]) : this.ops.scale(this.current, 1);
  }

  /** The value after one more step with activations `h`, not stored yet. Caller owns it. */
  next(h: T): T {
    return this.nextFromStd(() => this.ops.std(h));
  }

  /** `next` given std(h) (made inside this call's scope by `std`), e.g. computed elsewhere. Caller owns it. */
  nextFromStd(std: () => T): T {
    const ops = this.ops;
    return ops.tidy(() => {
      const fresh = ops.scale(std(), 1 - this.momentum);
      return this.current === null ? fresh : ops.add(ops.scale(this.current, this.momentum), fresh);
    });
  }

  /** Stores `value` (from `next`), taking ownership of it, and frees the old value. */
  commit(value: T): void {
    const old = this.current;
    this.current = this.ops.keep(value);
    if (old !== null && old !== value) this.ops.dispose(old);
  }

  /** `commit(next(h))`; returns the stored value (owned by this object). */
  update(h: T): T {
    this.commit(this.next(h));
    return this.current as T;
  }

  /** Back to 0, freeing the stored tensor. */
  reset(): void {
    if (this.current !== null) this.ops.dispose(this.current);
    this.current = null;
  }
}
