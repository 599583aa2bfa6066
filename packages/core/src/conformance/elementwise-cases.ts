import type { TensorOpsV1 } from '../tensor-ops';
import { checkAgainstReference, type OpUnderTest } from './against-reference';
import { inputPlan, randomHost, type ValueKind } from './inputs';
import type { ConformanceCase, KitContext } from './types';

interface ElementwiseSpec {
  readonly name: string;
  readonly arity: 1 | 2;
  readonly op: OpUnderTest;
  readonly exact?: boolean;
  /** Extra input kinds where the op stays finite in float32. */
  readonly extra?: readonly ValueKind[];
}

const SPECS: readonly ElementwiseSpec[] = [
  { name: 'add', arity: 2, op: (o, [a, b]) => o.add(a, b), extra: ['large', 'tiny'] },
  { name: 'sub', arity: 2, op: (o, [a, b]) => o.sub(a, b), extra: ['large', 'tiny'] },
  { name: 'mul', arity: 2, op: (o, [a, b]) => o.mul(a, b) },
  { name: 'scale(-2.5)', arity: 1, op: (o, [a]) => o.scale(a, -2.5), extra: ['large', 'tiny'] },
  { name: 'scale(0.1)', arity: 1, op: (o, [a]) => o.scale(a, 0.1) },
  { name: 'scale(0)', arity: 1, op: (o, [a]) => o.scale(a, 0) },
  { name: 'sign', arity: 1, op: (o, [a]) => o.sign(a), exact: true, extra: ['large', 'tiny'] },
  { name: 'abs', arity: 1, op: (o, [a]) => o.abs(a), exact: true, extra: ['large', 'tiny'] },
  {
    name: 'clip(-0.5, 0.75)',
    arity: 1,
    op: (o, [a]) => o.clip(a, -0.5, 0.75),
    exact: true,
    extra: ['large'],
  },
  { name: 'clip(-2, -1)', arity: 1, op: (o, [a]) => o.clip(a, -2, -1), exact: true },
  { name: 'clip(0.3, 0.3)', arity: 1, op: (o, [a]) => o.clip(a, 0.3, 0.3), exact: true },
  { name: 'safeReciprocal', arity: 1, op: (o, [a]) => o.safeReciprocal(a), extra: ['large'] },
];

/** Element-wise ops against the reference over ranks 1-4, zeros, negatives and large values. */
export function elementwiseCases<T>(ctx: KitContext<T>): ConformanceCase[] {
  const cases: ConformanceCase[] = SPECS.map((spec) => ({
    name: `${spec.name} matches the reference`,
    run: async () => {
      const rng = ctx.rngFor(spec.name);
      for (const { shape, kind } of inputPlan(rng, ctx.trials, spec.extra)) {
        const inputs = Array.from({ length: spec.arity }, () => randomHost(rng, shape, kind));
        await checkAgainstReference(ctx, spec.name, inputs, spec.op, spec.exact ? 'exact' : 'elementwise');
      }
    },
  }));
  cases.push(
    {
      name: 'scaleByScalar matches the reference',
      run: async () => {
        const rng = ctx.rngFor('scaleByScalar');
        for (const { shape, kind } of inputPlan(rng, ctx.trials, ['large'])) {
          const s = randomHost(rng, [], 'normal');
          await checkAgainstReference(
            ctx,
            'scaleByScalar',
            [randomHost(rng, shape, kind), s],
            scaleByScalar,
            'elementwise',
          );
        }
      },
    },
    {
      name: 'mulPerSample matches the reference',
      run: async () => {
        const rng = ctx.rngFor('mulPerSample');
        for (const { shape, kind } of inputPlan(rng, ctx.trials, ['large'])) {
          const v = randomHost(rng, [shape[0]], kind === 'large' ? 'normal' : kind);
          await checkAgainstReference(
            ctx,
            'mulPerSample',
            [randomHost(rng, shape, kind), v],
            mulPerSample,
            'elementwise',
          );
        }
      },
    },
    {
      name: 'sign(0) = 0, sign(-0) = 0, sign(±1e-30) = ±1',
      run: async () => {
        await checkAgainstReference(
          ctx,
          'sign',
          [{ shape: [5], values: Float32Array.of(0, -0, 1e-30, -1e-30, 3) }],
          (o, [a]) => o.sign(a),
          'exact',
        );
      },
    },
    {
      name: 'safeReciprocal(0) = 0 and stays finite for ±1e30',
      run: async () => {
        await checkAgainstReference(
          ctx,
          'safeReciprocal',
          [{ shape: [2, 3], values: Float32Array.of(0, -0, 1e30, -1e30, 4, -0.5) }],
          (o, [a]) => o.safeReciprocal(a),
          'elementwise',
        );
      },
    },
  );
  return cases;
}

function scaleByScalar<U>(o: TensorOpsV1<U>, [a, s]: U[]): U {
  return o.scaleByScalar(a, s);
}

function mulPerSample<U>(o: TensorOpsV1<U>, [a, v]: U[]): U {
  return o.mulPerSample(a, v);
}
