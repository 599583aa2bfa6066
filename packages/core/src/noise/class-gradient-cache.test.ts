import { describe, expect, it } from 'vitest';
import { ReferenceTensorOps } from '../reference/reference-tensor-ops';
import { createRng } from '../rng/create-rng';
import { ClassGradientCache, pickOnePerClass } from './class-gradient-cache';

const rows = (t: { data: Float32Array }, width: number) =>
  Array.from({ length: t.data.length / width }, (_, i) =>
    Array.from(t.data.subarray(i * width, (i + 1) * width)),
  );

describe('ClassGradientCache', () => {
  it('starts at zero; update stores one sample per class present; gather reads by label (by hand)', () => {
    const ops = new ReferenceTensorOps();
    const cache = new ClassGradientCache(ops, { numClasses: 3, sampleShapes: [[2]] });
    expect(rows(cache.gather(0, Int32Array.of(0, 1, 2)), 2)).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    // Samples [1, 2] (class 2), [3, 4] (class 0), [5, 6] (class 2): class 0 <- [3, 4]; class 2 <- one
    // of [1, 2] / [5, 6]; class 1 is absent and stays 0.
    const grads = ops.fromArray([1, 2, 3, 4, 5, 6], [3, 2]);
    cache.update(0, grads, Int32Array.of(2, 0, 2), createRng(1));
    const [c0, c1, c2] = rows(cache.table(0), 2);
    expect(c0).toEqual([3, 4]);
    expect(c1).toEqual([0, 0]);
    expect([
      [1, 2],
      [5, 6],
    ]).toContainEqual(c2);
    // Unseen class 1 -> zero gradient -> zero noise for its samples.
    expect(rows(cache.gather(0, Int32Array.of(1, 0, 0)), 2)).toEqual([[0, 0], c0, c0]);
  });

  it('picks each sample of a class with equal probability', () => {
    // Class 0 has samples 0, 2, 3: each chosen ~1/3 of 6000 times; class 1 always sample 1.
    const counts = new Map<number, number>();
    const rng = createRng(5);
    const trials = 6000;
    for (let k = 0; k < trials; k++) {
      const { rows: classes, srcRows } = pickOnePerClass(Int32Array.of(0, 1, 0, 0), 3, rng);
      expect(Array.from(classes)).toEqual([0, 1]);
      expect(srcRows[1]).toBe(1);
      counts.set(srcRows[0], (counts.get(srcRows[0]) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 2, 3]);
    for (const c of counts.values())
      expect(Math.abs(c / trials - 1 / 3)).toBeLessThan(5 * Math.sqrt(2 / 9 / trials));
  });

  it('memoryBytes = classes × Σ sample sizes × 4', () => {
    const cache = new ClassGradientCache(new ReferenceTensorOps(), {
      numClasses: 10,
      sampleShapes: [
        [6, 24, 24],
        [16, 8, 8],
      ],
    });
    // LeNet-5's two noise layers on Fashion-MNIST: 10 · (3456 + 1024) · 4 = 179,200 bytes.
    expect(cache.memoryBytes()).toBe(10 * (6 * 24 * 24 + 16 * 8 * 8) * 4);
    expect(cache.memoryBytes()).toBe(179_200);
  });

  it('updates replace tables: the old table is freed, the count of live tensors stays flat', () => {
    const ops = new ReferenceTensorOps({ strictMemory: true });
    const cache = new ClassGradientCache(ops, { numClasses: 4, sampleShapes: [[2], [1, 3]] });
    const rng = createRng(2);
    const g0 = ops.fromArray([1, 2, 3, 4], [2, 2]);
    const g1 = ops.fromArray([1, 2, 3, 4, 5, 6], [2, 1, 3]);
    const before = ops.numTensors;
    const oldTable = cache.table(0);
    const oldValues = Array.from(oldTable.data);
    for (let k = 0; k < 10; k++) cache.updateAll([g0, g1], Int32Array.of(k % 4, (k + 1) % 4), rng);
    expect(ops.numTensors).toBe(before);
    expect(Array.from(oldTable.data)).toEqual(oldValues);
    cache.dispose();
    expect(ops.numTensors).toBe(2);
  });

  it('updateAll leaves every table unchanged when one layer is refused', () => {
    const ops = new ReferenceTensorOps({ strictMemory: true });
    const cache = new ClassGradientCache(ops, { numClasses: 2, sampleShapes: [[2], [3]] });
    const t0 = cache.table(0);
    const good = ops.fromArray([1, 2], [1, 2]);
    const bad = ops.fromArray([1, 2], [1, 2]);
    const live = ops.numTensors;
    expect(() => cache.updateAll([good, bad], Int32Array.of(1), createRng(1))).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', argument: 'grads' }),
    );
    expect(cache.table(0)).toBe(t0);
    expect(Array.from(t0.data)).toEqual([0, 0, 0, 0]);
    expect(ops.numTensors).toBe(live);
  });

  it('refuses bad labels, layers and options', () => {
    const ops = new ReferenceTensorOps();
    const cache = new ClassGradientCache(ops, { numClasses: 3, sampleShapes: [[2]] });
    const g = ops.zeros([2, 2]);
    expect(() => cache.gather(0, Int32Array.of(3))).toThrow(
      expect.objectContaining({ code: 'INVALID_LABELS' }),
    );
    expect(() => cache.update(0, g, Int32Array.of(0), createRng(1))).toThrow(
      expect.objectContaining({ code: 'INVALID_LABELS' }),
    );
    expect(() => cache.gather(1, Int32Array.of(0))).toThrow(expect.objectContaining({ argument: 'layer' }));
    expect(() => new ClassGradientCache(ops, { numClasses: 0, sampleShapes: [[2]] })).toThrow(
      expect.objectContaining({ argument: 'numClasses' }),
    );
  });
});
