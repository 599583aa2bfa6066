import type {
  LossPassRequest,
  LossPassResult,
  NoiseFn,
  NoisePointInfo,
  PassRequest,
  PassResult,
  TrainableModelV1,
} from '../training/trainable-model';
import type { RefTensor } from './ref-tensor';
import type { ReferenceTensorOps } from './reference-tensor-ops';

/** Weight gradients of the reference model: plain arrays, so "freed" is just a flag. */
export interface LinearGradients {
  readonly dW1: Float64Array;
  readonly dW2: Float64Array;
  disposed: boolean;
}

/** What one `doPass` saw and returned, to check against hand-derived formulas. */
export interface PassRecord {
  readonly request: Omit<PassRequest<RefTensor>, 'noise' | 'x' | 'y'>;
  /** Activations at each noise point before noise (h_t), row-major. */
  readonly activations: Float32Array[];
  /** The noise the algorithm returned at each point (null = none). */
  readonly noise: (Float32Array | null)[];
  /** dJ/dh_hat at each point, computed here analytically (returned when asked for). */
  readonly noiseGradients: Float32Array[];
}

/** What one `doLossPass` saw: its request (less the tensors) and each input's values. */
export interface LossPassRecord {
  readonly request: Omit<LossPassRequest<RefTensor>, 'inputs' | 'y'>;
  readonly inputs: Float32Array[];
}

/**
 * A two-layer linear network with a noise point after each layer and squared loss:
 *   h1 = x W1ᵀ (noise point 0, [B, hidden]), h2 = ĥ1 W2ᵀ (noise point 1, [B, out]),
 *   J = (1/B) Σ_i ½‖ĥ2_i − y_i‖².
 * Gradients by hand: d2 = (ĥ2 − y)/B, dW2 = d2ᵀ ĥ1, d1 = d2 W2, dW1 = d1ᵀ x. Plain SGD with `lr`.
 * Everything is computed in float64 on the host, independent of the ops under test.
 *
 * The reference `TrainableModelV1`: the trainable conformance kit runs against it, training
 * algorithms are tested on it, and a new adapter can compare itself with it. `passes` records every
 * pass; `throwOnPass` / `throwOnApply` inject failures for rollback tests.
 */
export class TwoLayerLinearModel implements TrainableModelV1<RefTensor, LinearGradients> {
  readonly specificationVersion = 'v1' as const;
  readonly noisePoints: readonly NoisePointInfo[];
  readonly passes: PassRecord[] = [];
  readonly lossPasses: LossPassRecord[] = [];
  applied = 0;
  /** Throw inside `doPass` on this (0-based) call, after the noise function ran. */
  throwOnPass = -1;
  throwOnApply = false;
  private passCount = 0;

  constructor(
    readonly ops: ReferenceTensorOps,
    readonly inputSize: number,
    readonly hidden: number,
    readonly outputs: number,
    public w1: Float64Array,
    public w2: Float64Array,
    readonly lr = 0.1,
  ) {
    this.noisePoints = [
      { name: 'h1', sampleShape: [hidden] },
      { name: 'h2', sampleShape: [outputs] },
    ];
  }

  doPass(request: PassRequest<RefTensor>): PassResult<RefTensor, LinearGradients> {
    const { ops } = this;
    const B = request.batchSize;
    const x = request.x.data;
    const y = request.y.data;
    const call = this.passCount++;
    const record: PassRecord = {
      request: {
        batchSize: B,
        weightGradients: request.weightGradients,
        noiseGradients: request.noiseGradients,
      },
      activations: [],
      noise: [],
      noiseGradients: [],
    };
    this.passes.push(record);
    return ops.tidy(() => {
      const h1 = matmulT(x, this.w1, B, this.inputSize, this.hidden);
      const h1hat = this.inject(request.noise, 0, h1, B, this.hidden, record);
      const h2 = matmulT(h1hat, this.w2, B, this.hidden, this.outputs);
      const h2hat = this.inject(request.noise, 1, h2, B, this.outputs, record);
      if (call === this.throwOnPass) throw new Error('model failure (test)');
      let loss = 0;
      const d2 = new Float64Array(B * this.outputs);
      for (let k = 0; k < d2.length; k++) {
        const diff = h2hat[k] - y[k];
        loss += (0.5 * diff * diff) / B;
        d2[k] = diff / B;
      }
      const d1 = new Float64Array(B * this.hidden);
      for (let i = 0; i < B; i++)
        for (let j = 0; j < this.hidden; j++) {
          let s = 0;
          for (let o = 0; o < this.outputs; o++) s += d2[i * this.outputs + o] * this.w2[o * this.hidden + j];
          d1[i * this.hidden + j] = s;
        }
      record.noiseGradients.push(Float32Array.from(d1), Float32Array.from(d2));
      const result: { loss: RefTensor; weightGradients?: LinearGradients; noiseGradients?: RefTensor[] } = {
        loss: ops.fromArray([loss], []),
      };
      if (request.weightGradients) {
        result.weightGradients = {
          dW1: outer(d1, x, B, this.hidden, this.inputSize),
          dW2: outer(d2, h1hat, B, this.outputs, this.hidden),
          disposed: false,
        };
      }
      if (request.noiseGradients) {
        result.noiseGradients = [
          ops.fromArray(Float32Array.from(d1), [B, this.hidden]),
          ops.fromArray(Float32Array.from(d2), [B, this.outputs]),
        ];
      }
      return result;
    });
  }

  /**
   * The method-provided loss by hand, noise points the identity: per input i, out_i = x_i W1ᵀ W2ᵀ;
   * `'loss'` is the squared loss above (d/dout = (out − y)/B); `'kl'` takes p = softmax(out) and
   * KL(p_a ‖ p_b) = Σ_c p_a (log p_a − log p_b), whose gradients are (p_b − p_a)/B in out_b and
   * p_a ⊙ (log p_a − log p_b − KL)/B in out_a. Then back through both layers to W and x.
   * The model has no dropout or noise of its own, so `mode` changes nothing.
   */
  doLossPass(request: LossPassRequest<RefTensor>): LossPassResult<RefTensor, LinearGradients> {
    const { ops, inputSize: n, hidden: m, outputs: c } = this;
    const B = request.batchSize;
    this.lossPasses.push({
      request: {
        batchSize: B,
        terms: request.terms,
        weightGradients: request.weightGradients,
        inputGradients: request.inputGradients,
        mode: request.mode,
      },
      inputs: request.inputs.map((x) => x.data.slice()),
    });
    const xs = request.inputs.map((x) => x.data);
    const y = request.y.data;
    // Activations pass through float32 as at doPass's (identity) noise points.
    const f32 = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
    const h1 = xs.map((x) => f32(matmulT(x, this.w1, B, n, m)));
    const out = h1.map((h) => f32(matmulT(h, this.w2, B, m, c)));
    const dOut = out.map(() => new Float64Array(B * c));
    let loss = 0;
    for (const term of request.terms) {
      const w = term.weight;
      if (term.kind === 'loss') {
        const o = out[term.input];
        for (let k = 0; k < o.length; k++) {
          const diff = o[k] - y[k];
          loss += (w * 0.5 * diff * diff) / B;
          dOut[term.input][k] += (w * diff) / B;
        }
        continue;
      }
      for (let i = 0; i < B; i++) {
        const logP = logSoftmaxRow(out[term.from], i, c);
        const logQ = logSoftmaxRow(out[term.to], i, c);
        let kl = 0;
        for (let k = 0; k < c; k++) kl += Math.exp(logP[k]) * (logP[k] - logQ[k]);
        loss += (w * kl) / B;
        for (let k = 0; k < c; k++) {
          const p = Math.exp(logP[k]);
          dOut[term.to][i * c + k] += (w * (Math.exp(logQ[k]) - p)) / B;
          if (!term.fixFrom) dOut[term.from][i * c + k] += (w * p * (logP[k] - logQ[k] - kl)) / B;
        }
      }
    }
    const dW1 = new Float64Array(this.w1.length);
    const dW2 = new Float64Array(this.w2.length);
    const dXs: Float64Array[] = [];
    xs.forEach((x, i) => {
      const d1 = matmul(dOut[i], this.w2, B, c, m);
      const g2 = outer(dOut[i], h1[i], B, c, m);
      const g1 = outer(d1, x, B, m, n);
      for (let k = 0; k < dW2.length; k++) dW2[k] += g2[k];
      for (let k = 0; k < dW1.length; k++) dW1[k] += g1[k];
      dXs.push(matmul(d1, this.w1, B, m, n));
    });
    const result: {
      loss: RefTensor;
      weightGradients?: LinearGradients;
      inputGradients?: RefTensor[];
    } = { loss: ops.fromArray([loss], []) };
    if (request.weightGradients) result.weightGradients = { dW1, dW2, disposed: false };
    result.inputGradients = request.inputGradients.map((i) =>
      ops.fromArray(Float32Array.from(dXs[i]), [B, n]),
    );
    return result;
  }

  doApplyGradients(g: LinearGradients): void {
    if (g.disposed) throw new Error('applying freed gradients');
    if (this.throwOnApply) throw new Error('optimizer failure (test)');
    for (let k = 0; k < this.w1.length; k++) this.w1[k] -= this.lr * g.dW1[k];
    for (let k = 0; k < this.w2.length; k++) this.w2[k] -= this.lr * g.dW2[k];
    this.applied += 1;
  }

  disposeGradients(g: LinearGradients): void {
    g.disposed = true;
  }

  private inject(
    noise: NoiseFn<RefTensor>,
    t: number,
    h: Float64Array,
    B: number,
    width: number,
    record: PassRecord,
  ): Float64Array {
    const hTensor = this.ops.fromArray(Float32Array.from(h), [B, width]);
    record.activations.push(Float32Array.from(h));
    // The noise function runs inside the adapter's scope, as in a tfjs adapter.
    const eta = this.ops.tidy(() => noise(t, hTensor));
    record.noise.push(eta === null ? null : eta.data.slice());
    if (eta === null) return Float64Array.from(hTensor.data);
    const out = new Float64Array(h.length);
    for (let k = 0; k < out.length; k++) out[k] = hTensor.data[k] + eta.data[k];
    return out;
  }
}

/** x [B, n] times Wᵀ for W [m, n]: [B, m], in float64. */
function matmulT(x: ArrayLike<number>, w: Float64Array, B: number, n: number, m: number): Float64Array {
  const out = new Float64Array(B * m);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[i * n + k] * w[j * n + k];
      out[i * m + j] = s;
    }
  return out;
}

/** Σ_i d_iᵀ a_i: [m, n] for d [B, m], a [B, n]. */
function outer(d: Float64Array, a: ArrayLike<number>, B: number, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < m; j++) for (let k = 0; k < n; k++) out[j * n + k] += d[i * m + j] * a[i * n + k];
  return out;
}

/** d [B, m] times W [m, n]: [B, n], in float64. */
function matmul(d: Float64Array, w: Float64Array, B: number, m: number, n: number): Float64Array {
  const out = new Float64Array(B * n);
  for (let i = 0; i < B; i++)
    for (let j = 0; j < m; j++) {
      const v = d[i * m + j];
      for (let k = 0; k < n; k++) out[i * n + k] += v * w[j * n + k];
    }
  return out;
}

/** log softmax of row i of a [B, c] array. */
function logSoftmaxRow(a: Float64Array, i: number, c: number): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < c; k++) max = Math.max(max, a[i * c + k]);
  let sum = 0;
  for (let k = 0; k < c; k++) sum += Math.exp(a[i * c + k] - max);
  const logSum = max + Math.log(sum);
  const out = new Float64Array(c);
  for (let k = 0; k < c; k++) out[k] = a[i * c + k] - logSum;
  return out;
}
