import { formatShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';
import { expectClose, expectShape } from './compare';
import type { ConformanceCase, KitContext } from './types';

/** Draws of one random op with fixed parameters, read back to the host. */
async function draw<T>(
  ops: TensorOpsV1<T>,
  make: () => T,
  shape: readonly number[],
  name: string,
): Promise<Float32Array> {
  const t = make();
  try {
    expectShape(name, ops.shape(t), shape, `requested ${formatShape(shape)}`);
    return await ops.toArray(t);
  } finally {
    ops.dispose(t);
  }
}

function moments(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** Throws unless |got - want| <= tol, naming the statistic. */
function expectNear(what: string, got: number, want: number, tol: number): void {
  if (!(Math.abs(got - want) <= tol)) {
    throw new Error(`${what}: got ${got}, expected ${want} ± ${tol}`);
  }
}

const SHAPE = [100, 200] as const;
const N = SHAPE[0] * SHAPE[1];

/**
 * Random ops checked statistically (20,000 draws: mean, std and a quantile within 5 standard
 * errors, so a correct implementation fails about once in 10^6 runs) and for seeding: the same
 * seed gives the same values on the same implementation, different seeds different values.
 */
export function randomCases<T>(ctx: KitContext<T>): ConformanceCase[] {
  const { ops } = ctx;
  const normal =
    (seed: number, mean = 2, std = 3) =>
    () =>
      ops.randomNormal(SHAPE, mean, std, seed);
  const uniform =
    (seed: number, lo = -1.5, hi = 2.5) =>
    () =>
      ops.randomUniform(SHAPE, lo, hi, seed);
  return [
    {
      name: 'randomNormal has the requested mean, std and shape',
      run: async () => {
        const values = await draw(ops, normal(7), SHAPE, 'randomNormal');
        const m = moments(values);
        expectNear('randomNormal(mean 2, std 3) sample mean', m.mean, 2, (5 * 3) / Math.sqrt(N));
        expectNear('randomNormal(mean 2, std 3) sample std', m.std, 3, (5 * 3) / Math.sqrt(2 * N));
        // A normal puts 68.27% within one std; a uniform or other law with the same moments does not.
        const within = values.filter((v) => Math.abs(v - 2) < 3).length / N;
        expectNear('randomNormal share within one std', within, 0.6827, 5 * Math.sqrt((0.6827 * 0.3173) / N));
      },
    },
    {
      name: 'randomNormal with std 0 gives the mean everywhere; rank 0 to 4 shapes',
      run: async () => {
        const values = await draw(ops, () => ops.randomNormal([3, 4], -1.25, 0, 5), [3, 4], 'randomNormal');
        expectClose('randomNormal(std 0)', [3, 4], values, new Float32Array(12).fill(-1.25), 0);
        for (const shape of [[], [3], [2, 3], [2, 1, 3], [1, 2, 2, 3]]) {
          await draw(ops, () => ops.randomNormal(shape, 0, 1, 11), shape, 'randomNormal');
        }
      },
    },
    {
      name: 'randomUniform lies in [lo, hi) with the uniform mean and std',
      run: async () => {
        const values = await draw(ops, uniform(9), SHAPE, 'randomUniform');
        for (let i = 0; i < values.length; i++) {
          if (!(values[i] >= -1.5 && values[i] < 2.5)) {
            throw new Error(
              `randomUniform on shape ${formatShape(SHAPE)}: index ${i} is ${values[i]}, outside [-1.5, 2.5)`,
            );
          }
        }
        const m = moments(values);
        const std = 4 / Math.sqrt(12);
        expectNear('randomUniform(-1.5, 2.5) sample mean', m.mean, 0.5, (5 * std) / Math.sqrt(N));
        expectNear('randomUniform(-1.5, 2.5) sample std', m.std, std, (5 * 0.8 * std) / Math.sqrt(N));
      },
    },
    {
      name: 'random ops: same seed gives the same values, different seeds different values',
      run: async () => {
        for (const [name, make] of [
          ['randomNormal', normal],
          ['randomUniform', uniform],
        ] as const) {
          const a = await draw(ops, make(123), SHAPE, name);
          const b = await draw(ops, make(123), SHAPE, name);
          expectClose(`${name} with seed 123 twice`, SHAPE, b, a, 0);
          const c = await draw(ops, make(124), SHAPE, name);
          const d = await draw(ops, make(0xffffffff), SHAPE, name);
          const same = (x: Float32Array, y: Float32Array) => x.every((v, i) => v === y[i]);
          if (same(a, c) || same(a, d))
            throw new Error(`${name}: seeds 123, 124 and 2^32-1 gave identical tensors`);
        }
      },
    },
  ];
}
