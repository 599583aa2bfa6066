import { shapeSize } from '@anl/core';
import { OrtLazyTensor } from './ort-lazy-tensor';

/** Small ONNX sub-expressions the ops of `OrtTensorOps` are built from. */

export function scalarFeed(value: number): OrtLazyTensor {
  return OrtLazyTensor.feed(Float32Array.of(value), []);
}

export function indexFeed(indices: ArrayLike<number>, shape: readonly number[]): OrtLazyTensor {
  return OrtLazyTensor.feed(Array.from(indices), shape, 'int64');
}

export function reshape(t: OrtLazyTensor, shape: readonly number[]): OrtLazyTensor {
  const target = OrtLazyTensor.constant(shape, [shape.length], 'int64');
  return OrtLazyTensor.op('Reshape', [t, target], shape);
}

/** A reduction over every axis (opset 17: no `axes` attribute means all axes). */
export function reduceAll(opType: string, a: OrtLazyTensor, keepDims = false): OrtLazyTensor {
  return OrtLazyTensor.op(opType, [a], keepDims ? a.shape.map(() => 1) : [], [
    { name: 'keepdims', type: 'int', value: keepDims ? 1 : 0 },
  ]);
}

/** A reduction of each sample: reshape to [B, rest] and reduce axis 1 (opset 17: axes attribute). */
export function reduceRows(opType: string, a: OrtLazyTensor): OrtLazyTensor {
  const batch = a.shape[0];
  const rows = reshape(a, [batch, shapeSize(a.shape.slice(1))]);
  return OrtLazyTensor.op(
    opType,
    [rows],
    [batch],
    [
      { name: 'axes', type: 'ints', value: [1] },
      { name: 'keepdims', type: 'int', value: 0 },
    ],
  );
}
