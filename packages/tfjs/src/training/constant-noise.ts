import { add, customGrad, type Tensor } from '@tensorflow/tfjs-core';

/**
 * `h + eta(h) (+ probe)` as one tape node whose gradient is the identity for `h` and `probe`.
 *
 * `eta` is computed inside the op's forward, where tfjs records nothing on the tape, so it is a
 * constant: no gradient flows through it into `h` even when it was computed from `h` (CANL's s(h),
 * a batch std). Adding a zero `probe` makes `dJ/dprobe = dJ/dh_hat`, the gradient at the noise point,
 * which the trainer asks for by listing the probe among the engine's gradient sources.
 *
 * `makeNoise` may return `null` (no noise) or a tensor of `h`'s shape; tensors it creates are freed
 * when the op ends unless it returns them from outside (a precomputed eta) or keeps them.
 */
export function addConstantNoise(
  h: Tensor,
  makeNoise: (h: Tensor) => Tensor | null,
  probe: Tensor | null,
): Tensor {
  const inputs = probe === null ? [h] : [h, probe];
  const op = customGrad((...args: unknown[]) => {
    const x = args[0] as Tensor;
    const eta = makeNoise(x);
    let value = eta === null ? x.clone() : add(x, eta);
    if (probe !== null) value = add(value, args[1] as Tensor);
    // One fresh tensor per input: the tape may later add to (and dispose) one of them.
    return { value, gradFunc: (dy: Tensor) => inputs.map(() => dy.clone()) };
  });
  return op(...inputs);
}
