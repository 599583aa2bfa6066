import { add, customGrad, keep, type Tensor } from '@tensorflow/tfjs-core';

/**
 * `h + eta(h) (+ probe)` as one tape node whose gradient is the identity for `h` and `probe`.
 *
 * `eta` is computed inside the op's forward, where tfjs records nothing on the tape, so it is a
 * constant: no gradient flows through it into `h` even when it was computed from `h` (CANL's s(h),
 * a batch std). The gradient at the noise point, `dJ/dh_hat`, comes out one of two ways:
 * - `probe`: a zero tensor added to the output, listed among the engine's gradient sources; then
 *   `dJ/dprobe = dJ/dh_hat`. Works even when nothing else is differentiated (ANL round 1).
 * - `onGradient`: called during the backward pass with `dJ/dh_hat` itself, a tensor that the callback
 *   owns (already `tf.keep`-ed, so the backward pass's scope does not free it). Cheaper (no extra add,
 *   no extra gradient), but tfjs runs this op's gradient only when `h` depends on a gradient source.
 *
 * `makeNoise` may return `null` (no noise) or a tensor of `h`'s shape; tensors it creates are freed
 * when the op ends unless it returns them from outside (a precomputed eta) or keeps them.
 */
export function addConstantNoise(
  h: Tensor,
  makeNoise: (h: Tensor) => Tensor | null,
  probe: Tensor | null,
  onGradient?: (dy: Tensor) => void,
): Tensor {
  const inputs = probe === null ? [h] : [h, probe];
  const op = customGrad((...args: unknown[]) => {
    const x = args[0] as Tensor;
    const eta = makeNoise(x);
    let value = eta === null ? x.clone() : add(x, eta);
    if (probe !== null) value = add(value, args[1] as Tensor);
    const gradFunc = (dy: Tensor) => {
      // gradFunc runs inside the backward pass's tidy: keep the copy handed out.
      if (onGradient !== undefined) onGradient(keep(dy.clone()));
      // One fresh tensor per input: the tape may later add to (and dispose) one of them.
      return inputs.map(() => dy.clone());
    };
    return { value, gradFunc };
  });
  return op(...inputs);
}
