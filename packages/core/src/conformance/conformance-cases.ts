import { ReferenceTensorOps } from '../reference/reference-tensor-ops';
import { createRng } from '../rng/create-rng';
import type { TensorOpsV1 } from '../tensor-ops';
import { elementwiseCases } from './elementwise-cases';
import { errorCases } from './error-cases';
import { memoryCases } from './memory-cases';
import { randomCases } from './random-cases';
import { reductionCases } from './reduction-cases';
import { rowCases } from './row-cases';
import type { ConformanceCase, ConformanceOptions, KitContext } from './types';

/** A 32-bit hash of a case name, so each case draws its own inputs whatever runs before it. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Every check of a `TensorOpsV1` implementation against the reference, as independent named cases
 * for any test runner: `for (const c of conformanceCases(ops)) it(c.name, c.run)`.
 * Tolerances: exact for sign, abs, clip, maxAbsPerSample, gather/scatter and round-trips; relative
 * 1e-5 for other element-wise ops; relative 1e-4 (of the result and of the inputs' mean |x|) for
 * reductions; random ops statistically (5 standard errors on 20,000 draws).
 */
export function conformanceCases<T>(
  ops: TensorOpsV1<T>,
  options: ConformanceOptions = {},
): ConformanceCase[] {
  const seed = options.seed ?? 20240521;
  const ctx: KitContext<T> = {
    ops,
    reference: new ReferenceTensorOps(),
    rngFor: (caseName) => createRng((seed ^ hashName(caseName)) >>> 0),
    trials: options.trials ?? 6,
    elementwiseTolerance: options.elementwiseTolerance ?? 1e-5,
    reductionTolerance: options.reductionTolerance ?? 1e-4,
  };
  const cases = [
    {
      name: "declares specificationVersion 'v1' and a name",
      run: async () => {
        if (ops.specificationVersion !== 'v1')
          throw new Error(`specificationVersion is ${String(ops.specificationVersion)}, expected 'v1'`);
        if (typeof ops.name !== 'string' || ops.name.length === 0)
          throw new Error('name must be a non-empty string');
      },
    },
    ...memoryCases(ctx),
    ...elementwiseCases(ctx),
    ...reductionCases(ctx),
    ...randomCases(ctx),
    ...rowCases(ctx),
    ...errorCases(ctx),
  ];
  return cases.map((c) => ({ name: `${ops.name}: ${c.name}`, run: c.run }));
}

/** Runs every case; never throws. */
export async function runConformance<T>(
  ops: TensorOpsV1<T>,
  options: ConformanceOptions = {},
): Promise<{ passed: string[]; failed: { name: string; error: unknown }[] }> {
  const passed: string[] = [];
  const failed: { name: string; error: unknown }[] = [];
  for (const c of conformanceCases(ops, options)) {
    try {
      await c.run();
      passed.push(c.name);
    } catch (error) {
      failed.push({ name: c.name, error });
    }
  }
  return { passed, failed };
}
