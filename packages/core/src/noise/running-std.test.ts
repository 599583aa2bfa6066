import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceTensorOps } from '../reference/reference-tensor-ops';
import { RunningStd } from './running-std';

function populationStd(xs: ArrayLike<number>): number {
  const a = Array.from(xs);
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
}

describe('RunningStd', () => {
  it('starts at 0, then s1 = 0.1 std(h1), s2 = 0.9 s1 + 0.1 std(h2) (by hand)', () => {
    const ops = new ReferenceTensorOps();
    const running = new RunningStd(ops);
    expect(running.value).toBeNull();
    expect(Array.from(running.valueOrZero().data)).toEqual([0]);
    // std([1, 3]) = 1 -> s1 = 0.1; std([0, 4]) = 2 -> s2 = 0.09 + 0.2 = 0.29.
    running.update(ops.fromArray([1, 3], [2]));
    expect(running.value!.data[0]).toBeCloseTo(0.1, 7);
    running.update(ops.fromArray([0, 4], [2]));
    expect(running.value!.data[0]).toBeCloseTo(0.29, 7);
  });

  it('matches the recurrence s <- m·s + (1-m)·std(h) from s = 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 2, maxLength: 8 }), {
          minLength: 1,
          maxLength: 10,
        }),
        (momentum, batches) => {
          const ops = new ReferenceTensorOps();
          const running = new RunningStd(ops, momentum);
          let s = 0;
          for (const b of batches) {
            const h = Float32Array.from(b);
            s = momentum * s + (1 - momentum) * populationStd(h);
            running.update(ops.fromArray(h, [h.length]));
            expect(Math.abs(running.value!.data[0] - s)).toBeLessThanOrEqual(1e-5 * (s + 1e-3));
          }
        },
      ),
    );
  });

  it('next does not store; commit stores and frees the old value (no leaks)', () => {
    const ops = new ReferenceTensorOps({ strictMemory: true });
    const running = new RunningStd(ops);
    const h = ops.fromArray([1, 3], [2]);
    const candidate = running.next(h);
    expect(running.value).toBeNull();
    ops.dispose(candidate);
    for (let i = 0; i < 5; i++) running.update(h);
    expect(ops.numTensors).toBe(2);
    running.reset();
    expect(running.value).toBeNull();
    expect(ops.numTensors).toBe(1);
  });

  it('refuses a momentum outside [0, 1]', () => {
    for (const m of [-0.1, 1.5, Number.NaN]) {
      expect(() => new RunningStd(new ReferenceTensorOps(), m)).toThrow(
        expect.objectContaining({ argument: 'momentum' }),
      );
    }
  });
});
