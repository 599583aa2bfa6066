import { type RefTensor, referenceOps } from '@anl/core/reference';
import type { AttackClassifier } from '../src/v2/attack-classifier';

/**
 * A linear classifier on the Float32Array reference backend, written out by hand (no tfjs):
 * logits_i = W·x_i + b with W [C][D] over flattened inputs. Its input gradient of Σ w[i,c]·logits[i,c]
 * is Σ_c w[i,c]·W[c], exactly. `nanAt` makes it return NaN logits (a broken model).
 */
export function linearClassifier(
  W: number[][],
  b: number[],
  options: { bounds?: [number, number]; nan?: boolean } = {},
): AttackClassifier<RefTensor> & { calls: number } {
  const c = b.length;
  const d = W[0].length;
  const self = {
    ops: referenceOps,
    bounds: options.bounds ?? ([0, 1] as [number, number]),
    numClasses: c,
    stochastic: false,
    calls: 0,
    logits(x: RefTensor): Float32Array {
      self.calls++;
      const batch = x.shape[0];
      const out = new Float32Array(batch * c);
      for (let i = 0; i < batch; i++) {
        for (let k = 0; k < c; k++) {
          let s = b[k];
          for (let j = 0; j < d; j++) s += W[k][j] * x.data[i * d + j];
          out[i * c + k] = options.nan ? Number.NaN : s;
        }
      }
      return out;
    },
    gradient(x: RefTensor, w: (logits: Float32Array) => Float32Array) {
      const logits = self.logits(x);
      const weight = w(logits);
      const batch = x.shape[0];
      const g = new Float32Array(batch * d);
      for (let i = 0; i < batch; i++) {
        for (let k = 0; k < c; k++) for (let j = 0; j < d; j++) g[i * d + j] += weight[i * c + k] * W[k][j];
      }
      return { logits, gradient: referenceOps.fromArray(g, x.shape) };
    },
  };
  return self;
}

/** A reference tensor of `shape` from a generator in [lo, hi]. */
export function refInput(shape: number[], rand: () => number, lo = 0, hi = 1): RefTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return referenceOps.fromArray(
    Float32Array.from({ length: size }, () => lo + (hi - lo) * rand()),
    shape,
  );
}
