import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toPniWeightModel } from '../model-surgery/to-pni-weight-model';
import { PniConv2D, PniDense, pniConv2d, pniDense } from './pni-weight-layers';
import { registerAnlLayers } from './register';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerAnlLayers();
});

const refused = (code: string, argument?: string) =>
  expect.objectContaining({ name: 'AnlError', code, ...(argument ? { argument } : {}) });

const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** The model's layers without the input layer a rewritten Sequential model starts with. */
const bodyOf = (model: tf.LayersModel) => model.layers.filter((l) => l.getClassName() !== 'InputLayer');

/** The gradient of `loss` for the layer's alpha variable, from tfjs's autodiff. */
function alphaGradient(layer: PniDense | PniConv2D, loss: () => tf.Scalar): tf.Tensor {
  const alphaName = layer.trainableWeights.at(-1)!.name;
  const { value, grads } = tf.variableGrads(loss);
  value.dispose();
  for (const [name, g] of Object.entries(grads)) if (name !== alphaName) g.dispose();
  return grads[alphaName];
}

function plainNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [6, 6, 2],
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        seed: 1,
      } as never),
      tf.layers.conv2d({
        filters: 2,
        kernelSize: [2, 3],
        strides: 2,
        padding: 'valid',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 4,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }),
        biasInitializer: 'ones',
      }),
    ],
  });
}

describe('PNI-W layers (PniConv2D, PniDense)', () => {
  it('with alpha = 0 compute exactly what the plain Conv2D / Dense layers compute', () => {
    const plain = plainNet();
    const pni = toPniWeightModel(plain, { alphaInit: 0, seed: 5 });
    expect(bodyOf(pni).map((l) => l.getClassName())).toEqual([
      'anl>PniConv2D',
      'anl>PniConv2D',
      'Flatten',
      'anl>PniDense',
    ]);
    const x = tf.randomUniform([3, 6, 6, 2], 0, 1, 'float32', 9);
    const expected = values(plain.predict(x) as tf.Tensor);
    expect(values(pni.predict(x) as tf.Tensor)).toEqual(expected);
    expect(values(pni.apply(x, { training: true }) as tf.Tensor)).toEqual(expected);
    expect(pni.outputs[0].shape).toEqual(plain.outputs[0].shape);
    // The plain model is untouched: its weights were copied, not shared.
    bodyOf(pni)[0].setWeights([tf.zeros([3, 3, 2, 3]), tf.zeros([3]), tf.zeros([1])]);
    expect(values(plain.layers[0].getWeights()[0]).some((v) => v !== 0)).toBe(true);
  });

  it('draws new noise of std alpha·std(W) on every forward, at inference too unless turned off', () => {
    const layer = pniDense({ units: 50, alphaInit: 0.5, seed: 3, useBias: false });
    const eye = tf.eye(40);
    layer.apply(eye);
    const w = layer.getWeights()[0];
    const first = tf.sub(layer.apply(eye) as tf.Tensor, w);
    const second = tf.sub(layer.apply(eye) as tf.Tensor, w);
    expect(values(first)).not.toEqual(values(second));
    const stdW = Math.sqrt(tf.moments(w).variance.dataSync()[0]);
    const stdNoise = Math.sqrt(tf.moments(first).variance.dataSync()[0]);
    expect(stdNoise / (0.5 * stdW)).toBeGreaterThan(0.93); // 2,000 draws: within ~4 standard errors
    expect(stdNoise / (0.5 * stdW)).toBeLessThan(1.07);
    const off = pniDense({ units: 50, activeAtInference: false, useBias: false });
    off.apply(eye);
    expect(values(off.apply(eye) as tf.Tensor)).toEqual(values(off.getWeights()[0]));
    expect(values(off.apply(eye, { training: true }) as tf.Tensor)).not.toEqual(values(off.getWeights()[0]));
    tf.dispose([eye, first, second]);
  });

  it('gives alpha the gradient Σ dJ/dŴ ⊙ std(W)·ε for the drawn ε, matching finite differences', () => {
    const layer = pniDense({ units: 3, alphaInit: 0.3, seed: 21 });
    const x = tf.randomNormal([4, 5], 0, 1, 'float32', 1);
    const r = tf.randomNormal([4, 3], 0, 1, 'float32', 2);
    layer.apply(x);
    const [w, b] = layer.getWeights();
    // J = Σ r ⊙ tanh(x Ŵ + b): non-linear in alpha, so the finite difference tests the slope.
    const loss = () =>
      tf.sum(tf.mul(r, tf.tanh(layer.apply(x, { training: true }) as tf.Tensor))) as tf.Scalar;

    layer.resetNoise(77);
    const grad = alphaGradient(layer, loss).dataSync()[0];

    // The drawn std(W)·ε, read back through an identity input: I·Ŵ + b = Ŵ + b.
    layer.resetNoise(77);
    const wHat = tf.sub(layer.apply(tf.eye(5), { training: true }) as tf.Tensor, b);
    const scaledEps = tf.div(tf.sub(wHat, w), 0.3);
    // dJ/dŴ = xᵀ (r ⊙ (1 − tanh²(x Ŵ + b))), by hand.
    const z = tf.tanh(tf.add(tf.matMul(x, wHat), b));
    const dJdW = tf.matMul(x, tf.mul(r, tf.sub(1, tf.square(z))), true, false);
    const formula = tf.sum(tf.mul(dJdW, scaledEps)).dataSync()[0];

    const at = (alpha: number) => {
      layer.setWeights([w, b, tf.tensor([alpha])]);
      layer.resetNoise(77);
      return loss().dataSync()[0];
    };
    const h = 1e-2;
    const finiteDifference = (at(0.3 + h) - at(0.3 - h)) / (2 * h);
    expect(grad).toBeCloseTo(formula, 4);
    expect(grad).toBeCloseTo(finiteDifference, 2);
    expect(Math.abs(grad)).toBeGreaterThan(1e-3);
    tf.dispose([x, r, wHat, scaledEps, z, dJdW]);
  });

  it('gives each channel-wise alpha of a conv its own gradient, matching finite differences', () => {
    const layer = pniConv2d({
      filters: 2,
      kernelSize: 2,
      granularity: 'channel',
      alphaInit: 0.4,
      seed: 8,
      padding: 'same',
    });
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 3);
    layer.apply(x);
    const [w, b] = layer.getWeights();
    const loss = () => tf.sum(tf.sin(layer.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
    layer.resetNoise(5);
    const grad = values(alphaGradient(layer, loss));
    const at = (alpha: number[]) => {
      layer.setWeights([w, b, tf.tensor(alpha)]);
      layer.resetNoise(5);
      return loss().dataSync()[0];
    };
    const h = 1e-2;
    expect(grad[0]).toBeCloseTo((at([0.4 + h, 0.4]) - at([0.4 - h, 0.4])) / (2 * h), 2);
    expect(grad[1]).toBeCloseTo((at([0.4, 0.4 + h]) - at([0.4, 0.4 - h])) / (2 * h), 2);
    tf.dispose(x);
  });

  it('passes dJ/dŴ to W unchanged (std(W) is detached)', () => {
    const layer = pniDense({ units: 2, alphaInit: 2, seed: 1, useBias: false });
    const x = tf.tensor([[1, 2, 3]]);
    layer.apply(x);
    const kernelName = layer.trainableWeights[0].name;
    const { value, grads } = tf.variableGrads(
      () => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    );
    // d Σ(x Ŵ)/dW = xᵀ·1 when no gradient flows through std(W).
    expect(values(grads[kernelName])).toEqual([1, 1, 2, 2, 3, 3]);
    tf.dispose([x, value, ...Object.values(grads)]);
  });

  it('has alpha of shape [1], [out] or the kernel shape, initialised to alphaInit', () => {
    const shapes = (['layer', 'channel', 'element'] as const).map((granularity) => {
      const conv = pniConv2d({ filters: 4, kernelSize: [3, 2], granularity });
      conv.apply(tf.input({ shape: [5, 5, 3] }));
      const dense = pniDense({ units: 6, granularity, alphaInit: 0.1 });
      dense.apply(tf.input({ shape: [7] }));
      expect(values(conv.getWeights()[2]).every((v) => v === 0.25)).toBe(true);
      expect(values(dense.getWeights()[2]).every((v) => v === Math.fround(0.1))).toBe(true);
      return [conv.getWeights()[2].shape, dense.getWeights()[2].shape];
    });
    expect(shapes).toEqual([
      [[1], [1]],
      [[4], [6]],
      [
        [3, 2, 3, 4],
        [7, 6],
      ],
    ]);
  });

  it('round-trips through save + loadLayersModel (config and alpha)', async () => {
    const model = toPniWeightModel(plainNet(), { granularity: 'channel', alphaInit: 0.2, seed: 4 });
    const dense = bodyOf(model)[3];
    dense.setWeights([...dense.getWeights().slice(0, 2), tf.tensor([0.1, 0.2, 0.3, 0.4])]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(bodyOf(loaded)[0]).toBeInstanceOf(PniConv2D);
    expect(bodyOf(loaded)[3]).toBeInstanceOf(PniDense);
    bodyOf(loaded).forEach((layer, i) => {
      expect(layer.getConfig()).toEqual(bodyOf(model)[i].getConfig());
      expect(layer.getWeights().map(values)).toEqual(bodyOf(model)[i].getWeights().map(values));
    });
    // Same seed, same stream: the loaded model draws what a fresh copy of the original draws.
    const x = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 1);
    for (const m of [model, loaded]) for (const l of [0, 1, 3]) (bodyOf(m)[l] as PniDense).resetNoise(l);
    expect(values(loaded.predict(x) as tf.Tensor)).toEqual(values(model.predict(x) as tf.Tensor));
  });

  it('trains kernel, bias and alpha with model.fit without leaking tensors', async () => {
    const model = toPniWeightModel(plainNet(), { seed: 2 });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const xs = tf.randomUniform([16, 6, 6, 2], 0, 1, 'float32', 1);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    const before = tf.memory().numTensors;
    await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0 });
    tf.dispose(model.predict(xs) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    expect(bodyOf(model)[3].getWeights()[2].dataSync()[0]).not.toBe(0.25);
    tf.dispose([xs, ys]);
  });

  it('refuses bad configs and models it cannot convert', () => {
    expect(() => pniDense({ units: 0 })).toThrow(refused('INVALID_ARGUMENT', 'config.units'));
    expect(() => pniDense({ units: 2, granularity: 'pixel' as never })).toThrow(
      refused('INVALID_ARGUMENT', 'config.granularity'),
    );
    expect(() => pniConv2d({ filters: 2 } as never)).toThrow(
      refused('INVALID_ARGUMENT', 'config.kernelSize'),
    );
    expect(() => pniConv2d({ filters: 2, kernelSize: 3, padding: 'causal' as never })).toThrow(
      refused('INVALID_ARGUMENT', 'config.padding'),
    );
    expect(() => pniConv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' } as never)).toThrow(
      refused('INVALID_ARGUMENT', 'config.dataFormat'),
    );
    const regularised = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 2, kernelRegularizer: tf.regularizers.l2() })],
    });
    expect(() => toPniWeightModel(regularised)).toThrow(refused('UNSUPPORTED'));
    const noWeights = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2] })] });
    expect(() => toPniWeightModel(noWeights)).toThrow(refused('NOT_FOUND', 'options.layers'));
    expect(() => toPniWeightModel(plainNet(), { alphaInit: Number.NaN })).toThrow(
      refused('INVALID_ARGUMENT', 'config.alphaInit'),
    );
  });
});
