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
  const tiled = fh === sh && fw === sw && top === 0 && left === 0 && OH * sh <= H && OW * sw <= W;
  return writeOutput(backend, backendName, [...x.shape], 'float32', [x, dy], (dx, [xs, g]) => {
    if (tiled && fh === 2 && fw === 2) {
      scanTwoByTwo(xs, g, dx, B, H, W, C, OH, OW);
      return;
    }
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

/**
 * The common 2x2 / stride 2 / valid case: windows tile the input, so each of the four positions is
 * written once (dy or nothing) with no per-window bookkeeping. Same first-maximum rule.
 */
function scanTwoByTwo(
  xs: ArrayLike<number>,
  g: ArrayLike<number>,
  dx: Float32Array | Int32Array | Uint8Array,
  B: number,
  H: number,
  W: number,
  C: number,
  OH: number,
  OW: number,
): void {
  const row = W * C;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const p00 = ((b * H + 2 * oh) * W + 2 * ow) * C;
        const p01 = p00 + C;
        const p10 = p00 + row;
        const p11 = p10 + C;
        const gBase = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          const v00 = xs[p00 + c];
          if (v00 > best) {
            best = v00;
            at = p00 + c;
          }
          const v01 = xs[p01 + c];
          if (v01 > best) {
            best = v01;
            at = p01 + c;
          }
          const v10 = xs[p10 + c];
          if (v10 > best) {
            best = v10;
            at = p10 + c;
          }
          if (xs[p11 + c] > best) at = p11 + c;
          // NaN or -Infinity everywhere: nobody gets the gradient (the generic rule).
          if (at < 0) continue;
          dx[at] = g[gBase + c];
        }
      }
    }
  }
}
