import '@tensorflow/tfjs-backend-cpu';
import { AnlError } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { WeightMap, type WeightMapVariant } from './weight-map-layer';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 2 - 1;
  }
  return out;
}

/**
 * The paper's equations with explicit loops over samples, ci, co and pixels (slow, literal):
 * Eq. 1 m[ci,co] = W[ci,co] ⊙ x[ci];
 * Eq. 2 smoothing: o[co] = (m[., co] * k) + b[co], k a Ci x Dk x Dk kernel of ones, VALID;
 * Eq. 3-4 unsharp: s[ci,co] = 2 m[ci,co] - m[ci,co] * k (Dk x Dk ones, zero SAME padding),
 *          o[co] = sum_ci s[ci,co] + b[co].
 * x: [B][H][W][Ci], w: [H][W][Ci][Co] flat, b: [Ho][Wo][Co] flat.
 */
function literalWeightMap(
  x: Float32Array,
  [batch, h, w, ci]: number[],
  kernel: Float32Array,
  bias: Float32Array,
  co: number,
  k: number,
  variant: WeightMapVariant,
): { out: Float64Array; shape: number[] } {
  const X = (b: number, y: number, xx: number, c: number) => x[((b * h + y) * w + xx) * ci + c];
  const Wt = (y: number, xx: number, c: number, o: number) => kernel[((y * w + xx) * ci + c) * co + o];
  const ho = variant === 'smoothing' ? h - k + 1 : h;
  const wo = variant === 'smoothing' ? w - k + 1 : w;
  const out = new Float64Array(batch * ho * wo * co);
  const r = (k - 1) / 2;
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < co; o++) {
      for (let c = 0; c < ci; c++) {
        // m = W[c,o] ⊙ x[c] for this sample (Eq. 1).
        const m = (y: number, xx: number) => Wt(y, xx, c, o) * X(b, y, xx, c);
        for (let y = 0; y < ho; y++) {
          for (let xx = 0; xx < wo; xx++) {
            let box = 0;
            if (variant === 'smoothing') {
              for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) box += m(y + dy, xx + dx);
              out[((b * ho + y) * wo + xx) * co + o] += box;
            } else {
              for (let dy = -r; dy <= r; dy++) {
                for (let dx = -r; dx <= r; dx++) {
                  const yy = y + dy;
                  const xs = xx + dx;
                  if (yy >= 0 && yy < h && xs >= 0 && xs < w) box += m(yy, xs);
                }
              }
              out[((b * ho + y) * wo + xx) * co + o] += 2 * m(y, xx) - box;
            }
          }
        }
      }
      for (let y = 0; y < ho; y++) {
        for (let xx = 0; xx < wo; xx++)
          out[((b * ho + y) * wo + xx) * co + o] += bias[(y * wo + xx) * co + o];
      }
    }
  }
  return { out, shape: [batch, ho, wo, co] };
}

describe('WeightMap', () => {
  const cases: [WeightMapVariant, number][] = [
    ['smoothing', 3],
    ['smoothing', 2],
    ['unsharp', 3],
    ['unsharp', 5],
  ];
  for (const [variant, k] of cases) {
    it(`${variant}, kernel ${k}: matches the paper's equations computed literally`, () => {
      const shape = [2, 6, 5, 3];
      const co = 4;
      const layer = new WeightMap({ filters: co, kernelSize: k, variant });
      const x = values(2 * 6 * 5 * 3, 7);
      const xt = tf.tensor4d(x, shape as [number, number, number, number]);
      layer.apply(xt); // builds the weights
      const [kShape, bShape] = layer.getWeights().map((t) => t.shape);
      const ho = variant === 'smoothing' ? 6 - k + 1 : 6;
      const wo = variant === 'smoothing' ? 5 - k + 1 : 5;
      expect(kShape).toEqual([6, 5, 3, co]);
      expect(bShape).toEqual([ho, wo, co]);
      const kernel = values(6 * 5 * 3 * co, 11);
      const bias = values(ho * wo * co, 13);
      layer.setWeights([tf.tensor(kernel, kShape), tf.tensor(bias, bShape)]);
      const got = layer.apply(xt) as tf.Tensor;
      const want = literalWeightMap(x, shape, kernel, bias, co, k, variant);
      expect(got.shape).toEqual(want.shape);
      expect(layer.computeOutputShape([null, 6, 5, 3])).toEqual([null, ...want.shape.slice(1)]);
      const data = got.dataSync();
      let maxErr = 0;
      for (let i = 0; i < data.length; i++) maxErr = Math.max(maxErr, Math.abs(data[i] - want.out[i]));
      expect(maxErr).toBeLessThan(1e-4);
      tf.dispose([xt, got]);
    });
  }

  it('trains: gradients reach kernel and bias', () => {
    const layer = new WeightMap({ filters: 2, kernelSize: 3, variant: 'unsharp', seed: 5 });
    const x = tf.randomUniform([2, 4, 4, 2], 0, 1, 'float32', 2);
    layer.apply(x);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar,
      layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
    );
    const norms = Object.values(grads).map((g) => tf.tidy(() => tf.norm(g).dataSync()[0]));
    expect(norms).toHaveLength(2);
    for (const n of norms) expect(n).toBeGreaterThan(0);
    tf.dispose([x, ...Object.values(grads)]);
  });

  it('serialises its config and rebuilds from it', () => {
    const layer = new WeightMap({
      filters: 3,
      kernelSize: 9,
      variant: 'unsharp',
      useBias: false,
      seed: 4,
      name: 'wm_x',
    });
    const config = layer.getConfig();
    expect(config).toMatchObject({
      filters: 3,
      kernelSize: 9,
      variant: 'unsharp',
      useBias: false,
      seed: 4,
      name: 'wm_x',
    });
    const copy = tfl.layers.Layer.fromConfig(WeightMap, config) as WeightMap;
    expect(copy.getConfig()).toEqual(config);
  });

  it('rejects bad configs and too-small inputs with typed errors', () => {
    expect(() => new WeightMap({ filters: 0, kernelSize: 3, variant: 'smoothing' })).toThrow(
      /filters must be a positive integer/,
    );
    expect(() => new WeightMap({ filters: 2, kernelSize: 1.5, variant: 'smoothing' })).toThrow(/kernelSize/);
    expect(() => new WeightMap({ filters: 2, kernelSize: 3, variant: 'sharp' as never })).toThrow(AnlError);
    const layer = new WeightMap({ filters: 2, kernelSize: 5, variant: 'smoothing' });
    const tiny = tf.zeros([1, 4, 4, 1]);
    expect(() => layer.apply(tiny)).toThrow(/height and width >= kernelSize 5/);
    tiny.dispose();
  });
});
