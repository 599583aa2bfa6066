import {
  backend_util,
  type KernelBackend,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { writeOutput } from './host-arrays';

/**
 * MaxPoolGrad as one pass over the windows: each window's FIRST maximum (row-major, strictly greater,
 * as tfjs' cpu kernel picks it) receives that window's dy. Channels are the inner loop, so memory is
 * read in order; the stock wasm and cpu kernels loop per element (10-200 ms for a LeNet-5 pool at batch 128).
 */
export function maxPoolGradByScan(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  x: TensorInfo,
  attrs: MaxPoolGradAttrs,
): TensorInfo {
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  return writeOutput(backend, backendName, [...x.shape], 'float32', [x, dy], (dx, [xs, g]) => {
    const best = new Float32Array(C);
    const where = new Int32Array(C);
    for (let b = 0; b < B; b++) {
      for (let oh = 0; oh < OH; oh++) {
        const h0 = Math.max(0, oh * sh - top);
        const h1 = Math.min(H, oh * sh - top + fh);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = Math.max(0, ow * sw - left);
          const w1 = Math.min(W, ow * sw - left + fw);
          best.fill(Number.NEGATIVE_INFINITY);
          where.fill(-1);
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const base = ((b * H + h) * W + w) * C;
              for (let c = 0; c < C; c++) {
                const v = xs[base + c];
                if (v > best[c]) {
                  best[c] = v;
                  where[c] = base + c;
                }
              }
            }
          }
          const gBase = ((b * OH + oh) * OW + ow) * C;
          for (let c = 0; c < C; c++) {
            if (where[c] >= 0) dx[where[c]] += g[gBase + c];
          }
        }
      }
    }
  });
}
