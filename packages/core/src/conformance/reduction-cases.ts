import { checkAgainstReference, type OpUnderTest } from './against-reference';
import { inputPlan, randomHost, type ValueKind } from './inputs';
import type { ConformanceCase, KitContext } from './types';

interface ReductionSpec {
  readonly name: string;
  readonly op: OpUnderTest;
  readonly exact?: boolean;
  readonly extra?: readonly ValueKind[];
}

const SPECS: readonly ReductionSpec[] = [
  { name: 'mean', op: (o, [a]) => o.mean(a), extra: ['tiny'] },
  { name: 'std', op: (o, [a]) => o.std(a), extra: ['tiny'] },
  // max is exact in any order; large values must not overflow (no squares involved).
  { name: 'maxAbsPerSample', op: (o, [a]) => o.maxAbsPerSample(a), exact: true, extra: ['large', 'tiny'] },
  { name: 'l2NormPerSample', op: (o, [a]) => o.l2NormPerSample(a) },
];

/** Reductions against the reference: ranks 1-4, a batch of one, zero samples, negative values. */
export function reductionCases<T>(ctx: KitContext<T>): ConformanceCase[] {
  const cases: ConformanceCase[] = SPECS.map((spec) => ({
    name: `${spec.name} matches the reference`,
    run: async () => {
      const rng = ctx.rngFor(spec.name);
      for (const { shape, kind } of inputPlan(rng, ctx.trials, spec.extra)) {
        await checkAgainstReference(
          ctx,
          spec.name,
          [randomHost(rng, shape, kind)],
          spec.op,
          spec.exact ? 'exact' : 'reduction',
        );
      }
    },
  }));
  cases.push(
    {
      name: 'std of a constant tensor is 0 and std of a larger tensor matches',
      run: async () => {
        await checkAgainstReference(
          ctx,
          'std',
          [{ shape: [2, 3], values: new Float32Array(6).fill(5) }],
          (o, [a]) => o.std(a),
          'reduction',
        );
        const rng = ctx.rngFor('std-large');
        const big = randomHost(rng, [8, 16, 6, 6], 'normal');
        for (let i = 0; i < big.values.length; i++) big.values[i] = 3 + 2 * big.values[i];
        await checkAgainstReference(ctx, 'std', [big], (o, [a]) => o.std(a), 'reduction');
      },
    },
    {
      name: 'per-sample reductions of all-zero samples give 0',
      run: async () => {
        const values = Float32Array.of(0, 0, 0, -2, 1, 0.5, 0, 0, 0);
        for (const name of ['maxAbsPerSample', 'l2NormPerSample'] as const) {
          await checkAgainstReference(
            ctx,
            name,
            [{ shape: [3, 3], values }],
            (o, [a]) => o[name](a),
            'reduction',
          );
        }
      },
    },
  );
  return cases;
}
