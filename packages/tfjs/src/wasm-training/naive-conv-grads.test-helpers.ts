import { backend_util } from '@tensorflow/tfjs-core';
import type { ConvCase } from './conv-cases.test-helpers';

/**
 * Gradients of a (depthwise) conv straight from the definition
 *   y[b,oh,ow,o] = sum_{i,j,c} x[b, oh*sh + i*dh - top, ow*sw + j*dw - left, c] * w[i,j,c,m]
 * by walking every (output, tap) pair once and scattering: slow, obviously right, and it honours
 * dilations (which tfjs' own cpu backward kernels ignore).
 */
export function naiveConvGrads(
  c: ConvCase,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
): { dw: Float32Array; dx: Float32Array } {
  const info = backend_util.computeConv2DInfo(
    c.xShape,
    c.filterShape,
    c.strides,
    c.dilations,
    c.pad,
    undefined,
    c.depthwise,
  );
  const [B, H, W, C] = c.xShape;
  const [KH, KW, , M] = c.filterShape;
  const { outHeight: OH, outWidth: OW, outChannels: O } = info;
  const dw = new Float32Array(w.length);
  const dx = new Float32Array(x.length);
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let i = 0; i < KH; i++)
          for (let j = 0; j < KW; j++) {
            const h = oh * c.strides[0] + i * c.dilations[0] - info.padInfo.top;
            const v = ow * c.strides[1] + j * c.dilations[1] - info.padInfo.left;
            if (h < 0 || h >= H || v < 0 || v >= W) continue;
            for (let ch = 0; ch < C; ch++)
              for (let m = 0; m < M; m++) {
                const o = c.depthwise ? ch * M + m : m;
                const xi = ((b * H + h) * W + v) * C + ch;
                const wi = ((i * KW + j) * C + ch) * M + m;
                const g = dy[((b * OH + oh) * OW + ow) * O + o];
                dw[wi] += x[xi] * g;
                dx[xi] += w[wi] * g;
              }
          }
  return { dw, dx };
}
