import { AnlError } from '../errors';
import type { RefTensor } from './ref-tensor';

/**
 * tfjs-like ownership bookkeeping for the reference ops in strict mode: counts live tensors,
 * frees what a `tidy` created but did not return or `keep`, and refuses use after `dispose`.
 * It lets core's own tests catch leaks and use-after-free without a real backend.
 */
export class MemoryTracker {
  private readonly live = new Set<RefTensor>();
  private readonly disposed = new WeakSet<RefTensor>();
  private readonly kept = new WeakSet<RefTensor>();
  private readonly scopes: Set<RefTensor>[] = [];

  get numTensors(): number {
    return this.live.size;
  }

  register(t: RefTensor): RefTensor {
    this.live.add(t);
    this.scopes[this.scopes.length - 1]?.add(t);
    return t;
  }

  assertAlive(t: RefTensor, argument: string): void {
    if (this.disposed.has(t)) {
      throw new AnlError('INVALID_ARGUMENT', `${argument} was already disposed`, { argument });
    }
  }

  keep(t: RefTensor): void {
    this.kept.add(t);
    for (const scope of this.scopes) scope.delete(t);
  }

  dispose(t: RefTensor): void {
    if (this.live.delete(t)) this.disposed.add(t);
  }

  tidy<R>(fn: () => R): R {
    const scope = new Set<RefTensor>();
    this.scopes.push(scope);
    let result: R | undefined;
    try {
      result = fn();
      return result;
    } finally {
      this.scopes.pop();
      const returned = new Set<RefTensor>();
      collectTensors(result, returned, 0);
      const parent = this.scopes[this.scopes.length - 1];
      for (const t of scope) {
        if (returned.has(t)) parent?.add(t);
        else if (!this.kept.has(t)) this.dispose(t);
      }
    }
  }
}

function isRefTensor(value: unknown): value is RefTensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as RefTensor).data instanceof Float32Array &&
    Array.isArray((value as RefTensor).shape)
  );
}

/** Tensors in a tidy's result: the value itself, or inside arrays / plain objects (as tfjs does). */
function collectTensors(value: unknown, out: Set<RefTensor>, depth: number): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (isRefTensor(value)) {
    out.add(value);
    return;
  }
  const items = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const item of items) collectTensors(item, out, depth + 1);
}
