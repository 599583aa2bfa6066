import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { type ConvPad, convGeometry, transposedConvPads2d } from './conv-geometry';
import { KernelRunner } from './kernel-runner';

export interface BackpropInputAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: ConvPad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Spreads dy over a grid `stride` times finer (zeros between rows/columns), the input of a stride-1
 * conv that equals the transposed conv. Shape [B, Ho*sh, Wo*sw, C]; dy itself when both strides are 1.
 */
export function zeroInsert(k: KernelRunner, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [b, ho, wo, c] = dy.shape;
  const spread = k.reshape(dy, [b, ho, 1, wo, 1, c]);
  const padded = k.run(
    'PadV2',
    { x: spread },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return k.reshape(padded, [b, ho * sh, wo * sw, c]);
}

/**
 * dx for a 2-D convolution as ONE stride-1 forward convolution (the backend's fast conv):
 * conv2d(zero-inserted dy, filter flipped in space with in/out channels swapped), padded so the
 * output is exactly the input's size.
 */
export function conv2dBackpropInputByConv(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: BackpropInputAttrs,
): TensorInfo {
  const g = convGeometry(
    attrs.inputShape,
    filter.shape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
  );
  const k = new KernelRunner(backend, backendName);
  try {
    const spread = zeroInsert(k, dy, g.strideHeight, g.strideWidth);
    const { rows, cols } = transposedConvPads2d(g);
    const cropped = k.padOrCrop(spread, [
      [0, 0],
      [Math.min(0, rows[0]), Math.min(0, rows[1])],
      [Math.min(0, cols[0]), Math.min(0, cols[1])],
      [0, 0],
    ]);
    const flipped = k.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = k.transpose(flipped, [0, 1, 3, 2]);
    const dx = k.run(
      'Conv2D',
      { x: cropped, filter: swapped },
      {
        strides: [1, 1],
        dilations: [g.dilationHeight, g.dilationWidth],
        pad: [
          [0, 0],
          [Math.max(0, rows[0]), Math.max(0, rows[1])],
          [Math.max(0, cols[0]), Math.max(0, cols[1])],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    k.dispose(dx);
    return dx;
  } catch (e) {
    k.dispose();
    throw e;
  }
}
