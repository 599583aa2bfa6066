import { type Optimizer, scalar, tidy, type Variable } from '@tensorflow/tfjs-core';

interface AdamFields {
  readonly beta1?: unknown;
  readonly beta2?: unknown;
  readonly accBeta1?: Variable;
  readonly accBeta2?: Variable;
  readonly iterations?: unknown;
}

/**
 * Makes a loaded Adam continue bit for bit. Training keeps beta^(t+1) as a running float32 product
 * (`accBeta *= beta` each step), but tfjs's `setWeights` recomputes it with `pow`, which can differ in
 * the last bit, so a resumed run drifts from a straight one. This redoes the product in float32 (the
 * rounding the cpu and wasm backends apply). Optimizers without these fields are left alone.
 */
export function recomputeAdamBetaPowers(optimizer: Optimizer | undefined): void {
  const adam = optimizer as (Optimizer & AdamFields) | undefined;
  if (adam == null || adam.getClassName() !== 'Adam') return;
  const { beta1, beta2, accBeta1, accBeta2, iterations } = adam;
  if (typeof beta1 !== 'number' || typeof beta2 !== 'number' || typeof iterations !== 'number') return;
  if (accBeta1 == null || accBeta2 == null) return;
  tidy(() => {
    accBeta1.assign(scalar(runningPower(beta1, iterations + 1)));
    accBeta2.assign(scalar(runningPower(beta2, iterations + 1)));
  });
}

/** beta^n as `n - 1` float32 multiplications, each rounded, starting from float32(beta). */
function runningPower(beta: number, n: number): number {
  const b = Math.fround(beta);
  let power = b;
  for (let i = 1; i < n; i++) power = Math.fround(power * b);
  return power;
}
