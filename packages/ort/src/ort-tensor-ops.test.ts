import { activationStd, anlNoise, createRng, sampleClippedGaussianR } from '@anl/core';
import { referenceOps } from '@anl/core/reference';
import { describe, expect, it } from 'vitest';
import { compileGraph } from './lazy/compile-graph';
import { OrtLazyTensor } from './lazy/ort-lazy-tensor';
import { OrtTensorOps } from './ort-tensor-ops';

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

function randomValues(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('OrtTensorOps: lazy graphs', () => {
  it('ops only build nodes; shapes are known at once; toArray computes', async () => {
    const ops = new OrtTensorOps();
    const a = ops.fromArray([1, -2, 3, -4, 5, -6], [2, 3]);
    const y = ops.mulPerSample(ops.add(a, ops.scale(a, 2)), ops.fromArray([10, -1], [2]));
    expect(ops.shape(y)).toEqual([2, 3]);
    expect(ops.compiledSessions).toBe(0);
    // (a + 2a) * [10, -1] per row, by hand.
    expect(Array.from(await ops.toArray(y))).toEqual([30, -60, 90, 12, -15, 18]);
    expect(ops.compiledSessions).toBe(1);
  });

  it('a repeated computation on new values reuses its session; a new shape compiles another', async () => {
    const ops = new OrtTensorOps();
    const step = (values: Float32Array, shape: number[], s: number) =>
      ops.l2NormPerSample(ops.scale(ops.clip(ops.fromArray(values, shape), -1, 1), s));
    for (let k = 0; k < 5; k++) {
      const values = randomValues(12, k);
      const got = await ops.toArray(step(values, [3, 4], 0.5 + k));
      const want = await referenceOps.toArray(
        referenceOps.l2NormPerSample(
          referenceOps.scale(referenceOps.clip(referenceOps.fromArray(values, [3, 4]), -1, 1), 0.5 + k),
        ),
      );
      for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    }
    expect(ops.compiledSessions).toBe(1);
    await ops.toArray(step(randomValues(8, 9), [2, 4], 1));
    expect(ops.compiledSessions).toBe(2);
  });

  it('equal sub-expressions built twice are computed once (one Add node)', () => {
    const ops = new OrtTensorOps();
    const a = ops.fromArray([1, 2], [2]);
    const b = ops.fromArray([3, 4], [2]);
    const y = ops.mul(ops.add(a, b), ops.add(a, b));
    const compiled = compileGraph(y);
    expect(compiled.graph.nodes.map((n) => n.opType)).toEqual(['Add', 'Mul']);
    expect(compiled.feeds.map((f) => f.name)).toEqual(['in0', 'in1']);
  });

  it('structural constants are initializers shared by value; data is fed', () => {
    const ops = new OrtTensorOps();
    const a = ops.fromArray([0, 2, -4], [3]);
    const y = ops.add(ops.safeReciprocal(a), ops.safeReciprocal(ops.abs(a)));
    const compiled = compileGraph(y);
    // Both safeReciprocals compare with the same 0: one initializer.
    expect(compiled.graph.initializers.length).toBe(1);
    expect(compiled.feeds.length).toBe(1);
  });

  it('a computed tensor is fed to later graphs instead of recomputed', async () => {
    const ops = new OrtTensorOps();
    const a = ops.fromArray([1, 2, 3], [3]);
    const h = ops.abs(ops.sub(ops.scale(a, 3), a));
    expect(Array.from(await ops.toArray(h))).toEqual([2, 4, 6]);
    const y = ops.add(h, h);
    expect(compileGraph(y).graph.nodes.map((n) => n.opType)).toEqual(['Add']);
    expect(Array.from(await ops.toArray(y))).toEqual([4, 8, 12]);
  });

  it('chains thousands of ops long compile (no recursion) and compute', async () => {
    const ops = new OrtTensorOps();
    let t = ops.fromArray([1, -1], [2]);
    const one = ops.fromArray([1, 1], [2]);
    for (let k = 0; k < 3000; k++) t = ops.add(t, one);
    expect(Array.from(await ops.toArray(t))).toEqual([3001, 2999]);
  });

  it('keeps at most maxCachedSessions sessions and stays correct after evictions', async () => {
    const ops = new OrtTensorOps({ maxCachedSessions: 2 });
    for (let round = 0; round < 2; round++) {
      for (const n of [1, 2, 3]) {
        const a = ops.fromArray(new Float32Array(n).fill(n), [n]);
        expect(Array.from(await ops.toArray(ops.scale(a, 2)))).toEqual(new Array(n).fill(2 * n));
      }
    }
    expect(ops.compiledSessions).toBe(6);
    await ops.releaseSessions();
    expect(Array.from(await ops.toArray(ops.abs(ops.fromArray([-1], [1]))))).toEqual([1]);
  });

  it("runs @anl/core's ANL noise and activation std like the reference", async () => {
    const ops = new OrtTensorOps();
    const g = randomValues(4 * 6, 3);
    const h = randomValues(4 * 6, 4);
    const r = sampleClippedGaussianR(createRng(5), 4, 0.1);
    const onOrt = anlNoise(
      ops,
      ops.fromArray(g, [4, 6]),
      ops.fromArray(r, [4]),
      activationStd(ops, ops.fromArray(h, [4, 6])),
    );
    const onRef = anlNoise(
      referenceOps,
      referenceOps.fromArray(g, [4, 6]),
      referenceOps.fromArray(r, [4]),
      activationStd(referenceOps, referenceOps.fromArray(h, [4, 6])),
    );
    const got = await ops.toArray(onOrt);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(onRef.data[i], 6);
    // The whole noise expression is one graph run.
    expect(ops.compiledSessions).toBe(1);
  });
});

describe('OrtTensorOps: arguments', () => {
  const ops = new OrtTensorOps();

  it('refuses tensors of other backends, naming the argument', () => {
    const ref = referenceOps.fromArray([1], [1]);
    expect(() => ops.add(ref as never, ops.zeros([1]))).toThrow(refused('INVALID_ARGUMENT', 'a'));
    expect(() => ops.mulPerSample(ops.zeros([1, 2]), ref as never)).toThrow(refused('INVALID_ARGUMENT', 'v'));
    expect(() => ops.shape({} as never)).toThrow(refused('INVALID_ARGUMENT', 't'));
  });

  it('names the argument of shape mismatches and bad numbers', () => {
    expect(() => ops.sub(ops.zeros([2]), ops.zeros([3]))).toThrow(refused('SHAPE_MISMATCH', 'b'));
    expect(() => ops.mulPerSample(ops.zeros([]), ops.zeros([]))).toThrow(refused('SHAPE_MISMATCH', 'a'));
    expect(() => ops.scale(ops.zeros([2]), Number.NaN)).toThrow(refused('INVALID_ARGUMENT', 's'));
    expect(() => ops.zeros([2, -1])).toThrow(refused('INVALID_ARGUMENT', 'shape'));
    expect(() => ops.randomNormal([2], 0, -1, 1)).toThrow(refused('INVALID_ARGUMENT', 'std'));
    expect(() => ops.randomUniform([2], 0, 1, 2 ** 32)).toThrow(refused('INVALID_ARGUMENT', 'seed'));
    expect(() =>
      ops.scatterRows(ops.zeros([2, 3]), Int32Array.of(0), ops.zeros([1, 2]), Int32Array.of(0)),
    ).toThrow(refused('SHAPE_MISMATCH', 'src'));
    expect(() => ops.gatherRows(ops.zeros([2]), [0] as never)).toThrow(
      refused('INVALID_ARGUMENT', 'indices'),
    );
    expect(() => new OrtTensorOps({ maxCachedSessions: 0 })).toThrow(
      refused('INVALID_ARGUMENT', 'options.maxCachedSessions'),
    );
  });

  it('scatterRows with no rows returns the table unchanged; gatherRows of no rows is empty', async () => {
    const table = ops.fromArray([1, 2, 3, 4], [2, 2]);
    const same = ops.scatterRows(table, new Int32Array(0), ops.zeros([1, 2]), new Int32Array(0));
    expect(Array.from(await ops.toArray(same))).toEqual([1, 2, 3, 4]);
    const none = ops.gatherRows(table, new Int32Array(0));
    expect(ops.shape(none)).toEqual([0, 2]);
    expect((await ops.toArray(none)).length).toBe(0);
  });

  it('lazy tensors of internal types (int64 indices) are not accepted as float tensors', () => {
    const indices = OrtLazyTensor.feed([0, 1], [2], 'int64');
    expect(() => ops.abs(indices)).toThrow(refused('INVALID_ARGUMENT', 'a'));
  });
});
