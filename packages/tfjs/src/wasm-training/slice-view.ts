import {
  type KernelBackend,
  type SliceAttrs,
  slice_util,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { writeOutput } from './host-arrays';

/**
 * Slice that copies only what it returns. The stock wasm Slice first copies the WHOLE input out of the
 * heap (`readSync`), so cutting a 128-image batch from a 60,000-image tensor moved 188 MB; here runs of
 * the innermost dimension are copied straight from a heap view.
 */
export function sliceByRuns(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  attrs: SliceAttrs,
): TensorInfo | null {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return null;
  const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
  const rank = x.shape.length;
  const strides = util.computeStrides(x.shape);
  return writeOutput(backend, backendName, size, x.dtype, [x], (out, [xs]) => {
    if (util.sizeFromShape(size) === 0) return;
    if (rank === 0) {
      out[0] = xs[0];
      return;
    }
    const run = size[rank - 1];
    const runs = util.sizeFromShape(size) / run;
    const index = new Array<number>(rank - 1).fill(0);
    for (let r = 0; r < runs; r++) {
      let from = begin[rank - 1];
      for (let d = 0; d < rank - 1; d++) from += (begin[d] + index[d]) * strides[d];
      out.set(xs.subarray(from, from + run), r * run);
      for (let d = rank - 2; d >= 0; d--) {
        if (++index[d] < size[d]) break;
        index[d] = 0;
      }
    }
  });
}
