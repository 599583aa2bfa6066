import {
  type BatchMatMulAttrs,
  broadcast_util,
  type KernelBackend,
  type KernelConfig,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { writeOutput } from './host-arrays';
import { KernelRunner } from './kernel-runner';

/** Entry i of a [n, r, c] tensor as [1, r, c], one block copy (the wasm Slice kernel copies all of x first). */
function batchEntry(backend: KernelBackend, backendName: string, x: TensorInfo, i: number): TensorInfo {
  const [, r, c] = x.shape;
  return writeOutput(backend, backendName, [1, r, c], 'float32', [x], (out, [xs]) => {
    out.set(xs.subarray(i * r * c, (i + 1) * r * c));
  });
}

/**
 * The wasm BatchMatMul is fast (XNNPACK) only for one plain [M,K]x[K,N] product: a transpose flag or a
 * batch dimension sends it to a scalar loop ~10x slower (dense-layer gradients use both flags). This
 * wrapper transposes explicitly and folds batches into single 2-D products, so every product takes the
 * fast path. Returns null when the product is already plain (the stock kernel runs it).
 */
export function batchMatMulViaPlain(
  backend: KernelBackend,
  backendName: string,
  original: KernelConfig,
  a: TensorInfo,
  b: TensorInfo,
  attrs: BatchMatMulAttrs,
): TensorInfo | null {
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  if (!attrs.transposeA && !attrs.transposeB && batchA === 1 && batchB === 1) return null;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const k = new KernelRunner(backend, backendName);
  try {
    const a3 = k.reshape(a, [batchA, a.shape[a.shape.length - 2], a.shape[a.shape.length - 1]]);
    const b3 = k.reshape(b, [batchB, b.shape[b.shape.length - 2], b.shape[b.shape.length - 1]]);
    const aa = attrs.transposeA ? k.transpose(a3, [0, 2, 1]) : a3;
    const bb = attrs.transposeB ? k.transpose(b3, [0, 2, 1]) : b3;
    const [, m, kk] = aa.shape;
    const n = bb.shape[2];
    if (kk !== bb.shape[1]) {
      throw new Error(`Error in matMul: inner shapes (${kk}) and (${bb.shape[1]}) must match.`);
    }
    const plain = (x: TensorInfo, y: TensorInfo) =>
      k.runConfig(original, { a: x, b: y }, { transposeA: false, transposeB: false });
    let out3: TensorInfo;
    if (batchB === 1) {
      // [Ba*M, K] x [K, N]
      const prod = plain(k.reshape(aa, [1, batchA * m, kk]), bb);
      out3 = k.reshape(prod, [batchA, m, n]);
    } else if (batchA === 1) {
      // [M, K] x [K, Bb*N], then [M, Bb, N] -> [Bb, M, N]
      const wide = k.reshape(k.transpose(bb, [1, 0, 2]), [1, kk, batchB * n]);
      const prod = plain(aa, wide);
      out3 = k.transpose(k.reshape(prod, [m, batchB, n]), [1, 0, 2]);
    } else {
      const parts: TensorInfo[] = [];
      for (let i = 0; i < batchA; i++) {
        parts.push(
          plain(
            k.keep(batchEntry(backend, backendName, aa, i)),
            k.keep(batchEntry(backend, backendName, bb, i)),
          ),
        );
      }
      out3 = k.run('Concat', parts, { axis: 0 });
    }
    const out = k.reshape(out3, [...outer, m, n]);
    k.dispose(out);
    return out;
  } catch (e) {
    k.dispose();
    throw e;
  }
}
