import { add, customGrad, keep, type Tensor, zerosLike } from '@tensorflow/tfjs-core';

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

/**
 * `h + eta(h)` as `addConstantNoise` does, handing `dJ/dh_hat` to `onGradient` during the backward
 * pass instead of through a probe: no extra add and no full-size probe tensor.
 *
 * `anchor` is any small tensor listed among the engine's gradient sources (a scalar zero will do).
 * It is an input of the op but not part of its value; it only puts the op on a path from a source,
 * because tfjs runs a kernel's gradient only there. With only the anchor as a source (ANL round 1)
 * the backward pass runs from the loss down to the first noise point and no weight gradient runs.
 * The anchor's own gradient is zero. `onGradient` owns the tensor it gets (already `tf.keep`-ed:
 * the backward pass runs inside a tidy); it is not called when the loss does not depend on `h`.
 */
export function addConstantNoiseCapturing(
  h: Tensor,
  makeNoise: (h: Tensor) => Tensor | null,
  anchor: Tensor,
  onGradient: (dy: Tensor) => void,
): Tensor {
  const op = customGrad((...args: unknown[]) => {
    const x = args[0] as Tensor;
    const eta = makeNoise(x);
    const value = eta === null ? x.clone() : add(x, eta);
    const gradFunc = (dy: Tensor) => {
      onGradient(keep(dy.clone()));
      return [dy.clone(), zerosLike(args[1] as Tensor)];
    };
    return { value, gradFunc };
  });
  return op(h, anchor);
}
