import type { Conv2DBackpropFilterAttrs, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { convGeometry, readWindowPads2d } from './conv-geometry';
import { KernelRunner } from './kernel-runner';

/**
 * dW for a 2-D convolution as ONE forward convolution, so the backend's fast conv (XNNPACK on wasm) does
 * the work: with the batch as the channel axis,
 *   dW[i,j,ci,co] = sum_{b,oh,ow} x[b, oh*s + i*d - pad, ow*s + j*d - pad, ci] * dy[b,oh,ow,co]
 * is conv2d(x^T [Ci,H,W,B], dy^T [Ho,Wo,B,Co]) with the forward's strides and dilations swapped,
 * the input padded or cropped to exactly the window the forward read; result [Ci,kh,kw,Co] -> [kh,kw,Ci,Co].
 */
export function conv2dBackpropFilterByConv(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] },
): TensorInfo {
  const g = convGeometry(
    x.shape,
    attrs.filterShape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
  );
  const k = new KernelRunner(backend, backendName);
  try {
    const { rows, cols } = readWindowPads2d(g);
    const xT = k.transpose(x, [3, 1, 2, 0]);
    // Crops (negative pads) are done by slicing; zero pads are left to the conv kernel itself.
    const cropped = k.padOrCrop(xT, [
      [0, 0],
      [Math.min(0, rows[0]), Math.min(0, rows[1])],
      [Math.min(0, cols[0]), Math.min(0, cols[1])],
      [0, 0],
    ]);
    const dyT = k.transpose(dy, [1, 2, 0, 3]);
    const dwT = k.run(
      'Conv2D',
      { x: cropped, filter: dyT },
      {
        strides: [g.dilationHeight, g.dilationWidth],
        dilations: [g.strideHeight, g.strideWidth],
        pad: [
          [0, 0],
          [Math.max(0, rows[0]), Math.max(0, rows[1])],
          [Math.max(0, cols[0]), Math.max(0, cols[1])],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    const dw = k.transpose(dwT, [1, 2, 0, 3]);
    k.dispose(dw);
    return dw;
  } catch (e) {
    k.dispose();
    throw e;
  }
}
