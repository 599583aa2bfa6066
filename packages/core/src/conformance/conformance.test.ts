import { describe, expect, it } from 'vitest';
import type { RefTensor } from '../reference/ref-tensor';
import { ReferenceTensorOps, referenceOps } from '../reference/reference-tensor-ops';
import type { TensorOpsV1 } from '../tensor-ops';
import { conformanceCases, runConformance } from './conformance-cases';

describe('the reference passes its own conformance kit', () => {
  for (const c of conformanceCases(referenceOps)) it(c.name, c.run);
});

describe('the strict-memory reference passes too', () => {
  for (const c of conformanceCases(new ReferenceTensorOps({ strictMemory: true }))) it(c.name, c.run);
});

/** referenceOps with some methods replaced: a deliberately broken implementation. */
function broken(overrides: Partial<TensorOpsV1<RefTensor>>): TensorOpsV1<RefTensor> {
  const base = new ReferenceTensorOps();
  const broken = Object.create(base, { name: { value: 'broken' } }) as ReferenceTensorOps;
  return Object.assign(broken, overrides);
}

async function failuresOf(ops: TensorOpsV1<RefTensor>): Promise<Map<string, string>> {
  const { failed } = await runConformance(ops);
  return new Map(failed.map((f) => [f.name.replace(/^broken: /, ''), String((f.error as Error).message)]));
}

describe('the kit catches broken implementations', () => {
  it('an add off by 1e-3 in one element fails with op, shape and index named', async () => {
    const failures = await failuresOf(
      broken({
        add: (a, b) => {
          const out = referenceOps.add(a, b);
          if (out.data.length > 1) out.data[1] += 1e-3;
          return out;
        },
      }),
    );
    expect([...failures.keys()]).toContain('add matches the reference');
    expect([...failures.keys()]).not.toContain('sub matches the reference');
    expect(failures.get('add matches the reference')).toMatch(
      /^add on shape \[\d+(, \d+)*\] \(inputs .*\): first mismatch at index 1 /,
    );
  });

  it('sign(0) = 1 fails the sign cases', async () => {
    const failures = await failuresOf(
      broken({ sign: (a) => ({ shape: [...a.shape], data: a.data.map((x) => (x >= 0 ? 1 : -1)) }) }),
    );
    expect(failures.has('sign(0) = 0, sign(-0) = 0, sign(±1e-30) = ±1')).toBe(true);
  });

  it('a sample std (divides by N - 1) fails the std case', async () => {
    const failures = await failuresOf(
      broken({
        std: (a) => {
          const n = a.data.length;
          return referenceOps.scale(referenceOps.std(a), n > 1 ? Math.sqrt(n / (n - 1)) : 1);
        },
      }),
    );
    expect(failures.get('std matches the reference')).toMatch(
      /^std on shape .* first mismatch at the scalar/,
    );
  });

  it('a randomNormal that ignores its seed, or draws uniforms, fails', async () => {
    let calls = 0;
    const unseeded = await failuresOf(
      broken({ randomNormal: (shape, m, s) => referenceOps.randomNormal(shape, m, s, calls++) }),
    );
    expect(
      unseeded.get('random ops: same seed gives the same values, different seeds different values'),
    ).toMatch(/randomNormal with seed 123 twice/);
    const uniformish = await failuresOf(
      broken({
        // Same mean and std as the normal asked for, but uniform: only the shape of the law differs.
        randomNormal: (shape, m, s, seed) =>
          referenceOps.randomUniform(shape, m - s * Math.sqrt(3), m + s * Math.sqrt(3), seed),
      }),
    );
    expect(uniformish.get('randomNormal has the requested mean, std and shape')).toMatch(
      /share within one std/,
    );
  });

  it('broadcasting add, a lossy scatter and a tidy that swallows errors fail', async () => {
    const failures = await failuresOf(
      broken({
        add: (a, b) => (b.shape.length === 0 ? referenceOps.scale(a, 1) : referenceOps.add(a, b)),
        scatterRows: (table, rows, src, srcRows) =>
          referenceOps.scatterRows(table, rows.slice(0, 1), src, srcRows.slice(0, 1)),
        tidy: <R>(fn: () => R): R => {
          try {
            return fn();
          } catch {
            return undefined as R;
          }
        },
      }),
    );
    expect(
      failures.get('element-wise ops refuse different shapes, broadcastable or not (SHAPE_MISMATCH)'),
    ).toMatch(/add\(\[2, 3\], \[\]\): expected AnlError SHAPE_MISMATCH, nothing was thrown/);
    expect(failures.has('scatterRows: a row written twice takes the last write')).toBe(true);
    expect(failures.get('tidy rethrows the error of its function')).toMatch(/swallowed/);
  });
});

describe('scatterRows by hand', () => {
  it('a row written twice takes the last write', async () => {
    const table = referenceOps.fromArray([1, 2, 3, 4, 5, 6], [3, 2]);
    const src = referenceOps.fromArray([10, 20, 30, 40, 50, 60], [3, 2]);
    // rows 1 <- src 0, 0 <- src 1, 1 <- src 2 (last write wins): [[30, 40], [50, 60], [5, 6]].
    const out = referenceOps.scatterRows(table, Int32Array.of(1, 0, 1), src, Int32Array.of(0, 1, 2));
    expect(Array.from(out.data)).toEqual([30, 40, 50, 60, 5, 6]);
    expect(Array.from(table.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
