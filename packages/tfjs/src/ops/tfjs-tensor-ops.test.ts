import { type RefTensor, referenceOps } from '@anl/core/reference';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TfjsTensorOps } from './tfjs-tensor-ops';

const ops = new TfjsTensorOps();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A shape [B, ...] with 1..3 dims after B and its values, small enough to stay fast. */
const batchedArb = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
  )
  .chain(([b, rest]) => {
    const shape = [b, ...rest];
    const size = shape.reduce((p, d) => p * d, 1);
    return fc
      .array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), {
        minLength: size,
        maxLength: size,
      })
      .map((values) => ({ shape, values: Float32Array.from(values) }));
  });

async function expectClose(t: tf.Tensor, ref: RefTensor, tol = 1e-6) {
  expect(t.shape).toEqual(ref.shape);
  const got = await ops.toArray(t);
  for (let i = 0; i < got.length; i++) {
    // Equal values pass outright: 1/subnormal overflows to Inf in both implementations.
    if (got[i] === ref.data[i]) continue;
    expect(Math.abs(got[i] - ref.data[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(ref.data[i])));
  }
}

function both({ shape, values }: { shape: number[]; values: Float32Array }) {
  return { t: ops.fromArray(values, shape), r: referenceOps.fromArray(values, shape) };
}

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

describe('TfjsTensorOps against the reference implementation', () => {
  it('element-wise operations', async () => {
    await fc.assert(
      fc.asyncProperty(batchedArb, batchedArb, async (x, y) => {
        const a = both(x);
        const b = both({
          shape: x.shape,
          values: x.values.map((v, i) => y.values[i % y.values.length] ?? v),
        });
        const cases: [tf.Tensor, RefTensor][] = [
          [ops.add(a.t, b.t), referenceOps.add(a.r, b.r)],
          [ops.sub(a.t, b.t), referenceOps.sub(a.r, b.r)],
          [ops.mul(a.t, b.t), referenceOps.mul(a.r, b.r)],
          [ops.scale(a.t, -0.37), referenceOps.scale(a.r, -0.37)],
          [ops.sign(a.t), referenceOps.sign(a.r)],
          [ops.abs(a.t), referenceOps.abs(a.r)],
          [ops.clip(a.t, -3, 7.5), referenceOps.clip(a.r, -3, 7.5)],
          [ops.safeReciprocal(a.t), referenceOps.safeReciprocal(a.r)],
        ];
        for (const [t, r] of cases) await expectClose(t, r);
        tf.dispose([a.t, b.t, ...cases.map(([t]) => t)]);
      }),
      { numRuns: 25 },
    );
  });

  it('reductions and per-sample operations', async () => {
    await fc.assert(
      fc.asyncProperty(batchedArb, async (x) => {
        const a = both(x);
        const v = both({ shape: [x.shape[0]], values: x.values.slice(0, x.shape[0]) });
        const s = both({ shape: [], values: Float32Array.of(2.5) });
        const cases: [tf.Tensor, RefTensor, number][] = [
          [ops.mean(a.t), referenceOps.mean(a.r), 1e-5],
          [ops.std(a.t), referenceOps.std(a.r), 1e-4],
          [ops.maxAbsPerSample(a.t), referenceOps.maxAbsPerSample(a.r), 0],
          [ops.l2NormPerSample(a.t), referenceOps.l2NormPerSample(a.r), 1e-5],
          [ops.mulPerSample(a.t, v.t), referenceOps.mulPerSample(a.r, v.r), 1e-6],
          [ops.scaleByScalar(a.t, s.t), referenceOps.scaleByScalar(a.r, s.r), 1e-6],
        ];
        for (const [t, r, tol] of cases) await expectClose(t, r, tol);
        tf.dispose([a.t, v.t, s.t, ...cases.map(([t]) => t)]);
      }),
      { numRuns: 25 },
    );
  });

  it('gatherRows and scatterRows (a row written twice keeps the last write)', async () => {
    await fc.assert(
      fc.asyncProperty(
        batchedArb,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (x, picks, writes) => {
          const a = both(x);
          const rows = x.shape[0];
          const indices = Int32Array.from(picks, (p) => p % rows);
          const gathered = ops.gatherRows(a.t, indices);
          await expectClose(gathered, referenceOps.gatherRows(a.r, indices), 0);
          // Scatter rows of `gathered` back into the table, in an order that repeats targets.
          const srcRows = Int32Array.from(
            writes.slice(0, indices.length),
            (w) => w % Math.max(indices.length, 1),
          );
          const targets = Int32Array.from(srcRows, (w, k) => (w + k) % rows);
          const src = referenceOps.gatherRows(a.r, indices);
          const scattered = ops.scatterRows(a.t, targets, gathered, srcRows);
          await expectClose(scattered, referenceOps.scatterRows(a.r, targets, src, srcRows), 0);
          tf.dispose([a.t, gathered, scattered]);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('TfjsTensorOps, hand-computed values', () => {
  it('sign(0) = 0 and 1/0 = 0', async () => {
    const a = ops.fromArray([-2, 0, 0.5, -0], [4]);
    expect(Array.from(await ops.toArray(ops.sign(a)))).toEqual([-1, 0, 1, 0]);
    expect(Array.from(await ops.toArray(ops.safeReciprocal(a)))).toEqual([-0.5, 0, 2, 0]);
  });

  it('per-sample max |a| and L2 norm of a rank-1 tensor treat each element as a sample', async () => {
    const a = ops.fromArray([3, -4], [2]);
    expect(Array.from(await ops.toArray(ops.maxAbsPerSample(a)))).toEqual([3, 4]);
    expect(Array.from(await ops.toArray(ops.l2NormPerSample(a)))).toEqual([3, 4]);
    const m = ops.fromArray([3, -4, 0, 0], [2, 2]);
    expect(Array.from(await ops.toArray(ops.l2NormPerSample(m)))).toEqual([5, 0]);
  });

  it('std is the population std: std([1, 3]) = 1', async () => {
    expect(Array.from(await ops.toArray(ops.std(ops.fromArray([1, 3], [2]))))).toEqual([1]);
  });

  it('never changes its inputs', async () => {
    const a = ops.fromArray([1, -2, 3, -4], [2, 2]);
    const table = ops.fromArray([1, 2, 3, 4], [2, 2]);
    ops.scatterRows(table, Int32Array.of(0), a, Int32Array.of(1));
    ops.clip(a, 0, 1);
    expect(Array.from(await ops.toArray(a))).toEqual([1, -2, 3, -4]);
    expect(Array.from(await ops.toArray(table))).toEqual([1, 2, 3, 4]);
  });

  it('toArray returns a copy', async () => {
    const a = ops.fromArray([1, 2], [2]);
    const copy = await ops.toArray(a);
    copy[0] = 99;
    expect(Array.from(await ops.toArray(a))).toEqual([1, 2]);
  });
});

describe('TfjsTensorOps random draws', () => {
  it('are reproducible by seed and have the asked moments', async () => {
    const a = await ops.toArray(ops.randomNormal([4000], 1.5, 0.5, 7));
    const b = await ops.toArray(ops.randomNormal([4000], 1.5, 0.5, 7));
    const c = await ops.toArray(ops.randomNormal([4000], 1.5, 0.5, 8));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const m = a.reduce((s, x) => s + x, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
    // Standard errors: 0.008 for the mean, about 0.006 for the std.
    expect(Math.abs(m - 1.5)).toBeLessThan(0.04);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.03);
  });

  it('uniform draws lie in [lo, hi) and cover it', async () => {
    const u = await ops.toArray(ops.randomUniform([4000], -2, 3, 11));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(Math.min(...u)).toBeLessThan(-1.9);
    expect(Math.max(...u)).toBeGreaterThan(2.9);
    const same = await ops.toArray(ops.randomUniform([4000], -2, 3, 11));
    expect(Array.from(same)).toEqual(Array.from(u));
  });
});

describe('TfjsTensorOps refuses bad input before computing', () => {
  it('with typed errors naming the argument', () => {
    const a = ops.fromArray([1, 2, 3, 4], [2, 2]);
    const b = ops.fromArray([1, 2], [2]);
    expect(() => ops.add(a, b)).toThrow(refused('SHAPE_MISMATCH', 'b'));
    expect(() => ops.mulPerSample(a, ops.fromArray([1], [1]))).toThrow(refused('SHAPE_MISMATCH', 'v'));
    expect(() => ops.scaleByScalar(a, b)).toThrow(refused('SHAPE_MISMATCH', 's'));
    expect(() => ops.fromArray([1, 2, 3], [2, 2])).toThrow(refused('SHAPE_MISMATCH', 'values'));
    expect(() => ops.zeros([2, -1])).toThrow(refused('INVALID_ARGUMENT', 'shape'));
    expect(() => ops.gatherRows(a, Int32Array.of(2))).toThrow(refused('INVALID_ARGUMENT', 'indices'));
    expect(() => ops.gatherRows(a, [0] as never)).toThrow(refused('INVALID_ARGUMENT', 'indices'));
    expect(() => ops.scatterRows(a, Int32Array.of(0), b, Int32Array.of(0))).toThrow(
      refused('SHAPE_MISMATCH', 'src'),
    );
    expect(() => ops.scatterRows(a, Int32Array.of(0, 1), a, Int32Array.of(0))).toThrow(
      refused('INVALID_ARGUMENT', 'srcRows'),
    );
    expect(() => ops.clip(a, 2, 1)).toThrow(refused('INVALID_ARGUMENT', 'lo'));
    expect(() => ops.scale(a, Number.NaN)).toThrow(refused('INVALID_ARGUMENT', 's'));
    expect(() => ops.randomNormal([2], 0, -1, 1)).toThrow(refused('INVALID_ARGUMENT', 'std'));
    expect(() => ops.randomNormal([2], 0, 1, -1)).toThrow(refused('INVALID_ARGUMENT', 'seed'));
    expect(() => ops.randomUniform([2], 1, 0, 1)).toThrow(refused('INVALID_ARGUMENT', 'hi'));
    expect(() => ops.maxAbsPerSample(ops.fromArray([1], []))).toThrow(refused('SHAPE_MISMATCH', 'a'));
    const gone = ops.fromArray([1], [1]);
    ops.dispose(gone);
    expect(() => ops.abs(gone)).toThrow(refused('INVALID_ARGUMENT', 'a'));
    expect(() => ops.abs([1, 2] as never)).toThrow(refused('INVALID_ARGUMENT', 'a'));
    ops.dispose([a, b]);
  });
});

describe('TfjsTensorOps memory', () => {
  it('leaves only the tensors it returns, and tidy/keep/dispose behave like tfjs', () => {
    const a = ops.fromArray([1, -2, 0, 4, 5, -6], [2, 3]);
    const v = ops.fromArray([2, -1], [2]);
    const s = ops.fromArray([3], []);
    const runAll = () => [
      ops.add(a, a),
      ops.sub(a, a),
      ops.mul(a, a),
      ops.scale(a, 2),
      ops.scaleByScalar(a, s),
      ops.sign(a),
      ops.abs(a),
      ops.clip(a, -1, 1),
      ops.safeReciprocal(a),
      ops.mulPerSample(a, v),
      ops.mean(a),
      ops.std(a),
      ops.maxAbsPerSample(a),
      ops.l2NormPerSample(a),
      ops.randomNormal([2, 3], 0, 1, 5),
      ops.randomUniform([2, 3], 0, 1, 5),
      ops.gatherRows(a, Int32Array.of(1, 0, 1)),
      ops.scatterRows(a, Int32Array.of(0, 0), a, Int32Array.of(1, 0)),
      ops.zeros([3]),
    ];
    const before = tf.memory().numTensors;
    const outputs = runAll();
    expect(tf.memory().numTensors).toBe(before + outputs.length);
    ops.dispose(outputs);
    expect(tf.memory().numTensors).toBe(before);

    let kept: tf.Tensor | undefined;
    const returned = ops.tidy(() => {
      kept = ops.keep(ops.abs(a));
      runAll();
      return ops.sign(a);
    });
    expect(tf.memory().numTensors).toBe(before + 2);
    ops.dispose([returned, kept!]);
    ops.dispose(kept!); // a second dispose is harmless
    expect(tf.memory().numTensors).toBe(before);
    ops.dispose([a, v, s]);
  });

  it('names itself after the active backend', () => {
    expect(ops.name).toBe('tfjs-cpu');
    expect(ops.specificationVersion).toBe('v1');
  });
});
