import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelBackend,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { convGeometry, readWindowPads2d, transposedConvPads2d } from './conv-geometry';
import { zeroInsert } from './conv2d-backprop-input';
import { KernelRunner } from './kernel-runner';

const cropPart = ([a, b]: [number, number]): [number, number] => [Math.min(0, a), Math.min(0, b)];
const padPart = ([a, b]: [number, number]): [number, number] => [Math.max(0, a), Math.max(0, b)];

/**
 * Depthwise dW as ONE depthwise convolution: every (sample, channel) pair becomes its own channel of a
 * batch-1 image [1,H,W,B*C], dy^T [Ho,Wo,B*C,M] is the filter (strides and dilations swapped), and the
 * per-sample results [kh,kw,B,C*M] are summed over B.
 */
export function depthwiseBackpropFilterByConv(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs,
): TensorInfo {
  const g = convGeometry(
    x.shape,
    attrs.filterShape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const [kh, kw, c, m] = attrs.filterShape;
  const b = g.batch;
  const k = new KernelRunner(backend, backendName);
  try {
    const { rows, cols } = readWindowPads2d(g);
    const xT = k.transpose(x, [1, 2, 0, 3]);
    const image = k.reshape(xT, [1, g.inHeight, g.inWidth, b * c]);
    const cropped = k.padOrCrop(image, [[0, 0], cropPart(rows), cropPart(cols), [0, 0]]);
    const dyT = k.transpose(dy, [1, 2, 0, 3]);
    const filter = k.reshape(dyT, [g.outHeight, g.outWidth, b * c, m]);
    const perSample = k.run(
      'DepthwiseConv2dNative',
      { x: cropped, filter },
      {
        strides: [g.dilationHeight, g.dilationWidth],
        dilations: [g.strideHeight, g.strideWidth],
        pad: [[0, 0], padPart(rows), padPart(cols), [0, 0]],
        dataFormat: 'NHWC',
      },
    );
    const split = k.reshape(perSample, [kh, kw, b, c * m]);
    const summed = k.run('Sum', { x: split }, { axis: [2], keepDims: false });
    const dw = k.reshape(summed, [kh, kw, c, m]);
    k.dispose(dw);
    return dw;
  } catch (e) {
    k.dispose();
    throw e;
  }
}

/**
 * Depthwise dx as ONE stride-1 depthwise convolution of the zero-inserted dy with the spatially flipped
 * filter (one channel per (c, m)), then a sum over the channel multiplier m when it is above 1.
 */
export function depthwiseBackpropInputByConv(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropInputAttrs,
): TensorInfo {
  const g = convGeometry(
    attrs.inputShape,
    filter.shape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const [kh, kw, c, m] = filter.shape;
  const k = new KernelRunner(backend, backendName);
  try {
    const spread = zeroInsert(k, dy, g.strideHeight, g.strideWidth);
    const { rows, cols } = transposedConvPads2d(g);
    const cropped = k.padOrCrop(spread, [[0, 0], cropPart(rows), cropPart(cols), [0, 0]]);
    const flipped = k.run('Reverse', { x: filter }, { dims: [0, 1] });
    const perChannel = k.reshape(flipped, [kh, kw, c * m, 1]);
    const full = k.run(
      'DepthwiseConv2dNative',
      { x: cropped, filter: perChannel },
      {
        strides: [1, 1],
        dilations: [g.dilationHeight, g.dilationWidth],
        pad: [[0, 0], padPart(rows), padPart(cols), [0, 0]],
        dataFormat: 'NHWC',
      },
    );
    let dx = full;
    if (m > 1) {
      const split = k.reshape(full, [g.batch, g.inHeight, g.inWidth, c, m]);
      dx = k.run('Sum', { x: split }, { axis: [4], keepDims: false });
    }
    k.dispose(dx);
    return dx;
  } catch (e) {
    k.dispose();
    throw e;
  }
}
