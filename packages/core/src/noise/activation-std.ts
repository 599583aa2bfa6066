import type { TensorOpsV1 } from '../tensor-ops';

/**
 * s(h): the population standard deviation of a layer's activations over the whole batch tensor
 * (B·C·H·W), one scalar per layer (SPEC, ANL). Shape `[]`, caller owns it.
 */
export function activationStd<T>(ops: TensorOpsV1<T>, h: T): T {
  return ops.std(h);
}
