import type { Rng } from '../rng/rng';
import { shapeSize } from '../shape';
import type { HostTensor } from './types';

/** How the values of a random input are drawn. */
export type ValueKind = 'normal' | 'with-zeros' | 'negative' | 'large' | 'tiny' | 'zeros';

/** A random shape of `rank` with dims in [1, 5]; the batch dim is 1 when `batchOfOne`. */
export function randomShape(rng: Rng, rank: number, batchOfOne = false): number[] {
  return Array.from({ length: rank }, (_, i) => (i === 0 && batchOfOne ? 1 : 1 + rng.int(5)));
}

/** Random values of `kind`: N(0,1), a third zeros, all negative, ~1e30, ~1e-20, or all zero. */
export function randomValues(rng: Rng, size: number, kind: ValueKind): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const z = rng.normal();
    switch (kind) {
      case 'normal':
        out[i] = z;
        break;
      case 'with-zeros':
        out[i] = rng.int(3) === 0 ? 0 : z;
        break;
      case 'negative':
        out[i] = -Math.abs(z) - 1e-3;
        break;
      case 'large':
        out[i] = z * 1e30;
        break;
      case 'tiny':
        out[i] = z * 1e-20;
        break;
      case 'zeros':
        out[i] = 0;
        break;
    }
  }
  return out;
}

export function randomHost(rng: Rng, shape: readonly number[], kind: ValueKind): HostTensor {
  return { shape, values: randomValues(rng, shapeSize(shape), kind) };
}

/**
 * The input plan every element-wise and per-sample case walks through: ranks 1-4, a batch of one,
 * zeros, all-negative values and `extra` kinds (e.g. 'large' where the op stays finite).
 */
export function inputPlan(
  rng: Rng,
  trials: number,
  extra: readonly ValueKind[] = [],
): { shape: number[]; kind: ValueKind }[] {
  const kinds: ValueKind[] = ['normal', 'with-zeros', 'negative', 'zeros', ...extra];
  const plan: { shape: number[]; kind: ValueKind }[] = [];
  for (let k = 0; k < Math.max(trials, kinds.length); k++) {
    const rank = 1 + (k % 4);
    plan.push({ shape: randomShape(rng, rank, k % 5 === 4), kind: kinds[k % kinds.length] });
  }
  plan.push({ shape: [1], kind: 'normal' });
  return plan;
}
