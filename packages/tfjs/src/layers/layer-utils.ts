import { invalidArgument } from '@anl/core';
import type { Tensor } from '@tensorflow/tfjs-core';

const counters = new Map<string, number>();

/** `${prefix}_${n}` with n counting per prefix in this process, like tfjs's own default names. */
export function uniqueLayerName(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}_${n}`;
}

/** The one tensor a single-input layer was called with. */
export function singleInput(inputs: Tensor | Tensor[], layerName: string): Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) invalidArgument(`inputs of layer ${layerName}`, 'exactly one tensor', inputs);
  return inputs[0];
}
