import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findNoiseLayers, isNoiseLayer } from '../layers/find-noise-layers';
import { withNoiseInjector } from '../layers/noise-context';
import { trainWithNoise } from '../training/train-with-noise';
import { insertNoiseLayers } from './insert-noise-layers';
import { stripNoiseLayers } from './strip-noise-layers';
import { maxAbsDiff, predict, randomizeWeights } from './test-models.test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

/** conv(relu) -> pool -> flatten -> dense(relu) -> dense(softmax): activations fused, as users write them. */
function fusedCnn(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'relu', name: 'c1' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, activation: 'relu', name: 'd1' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
  randomizeWeights(model, 7);
  return model;
}

/** input -> conv(relu) added back to the input (a residual) -> conv(elu) -> pool -> dense. */
function fusedResidual(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 2], name: 'image' });
  const c = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: 'res_conv' })
    .apply(x);
  const sum = tf.layers.add({ name: 'res_add' }).apply([x, c] as tf.SymbolicTensor[]);
  const c2 = tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'elu', name: 'head_conv' }).apply(sum);
  const p = tf.layers.globalAveragePooling2d({}).apply(c2);
  const y = tf.layers.dense({ units: 2, name: 'logits' }).apply(p) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: y, name: 'fused_residual' });
  randomizeWeights(model, 11);
  return model;
}

function outline(model: tf.LayersModel): string[] {
  return model.layers.map((l) => (isNoiseLayer(l) ? '+noise' : l.getClassName()));
}

function activationOf(layer: tf.layers.Layer): unknown {
  return (layer.getConfig() as { activation?: unknown }).activation;
}

/** What each noise layer receives (its input h), in one training-mode forward pass. */
function noiseInputs(model: tf.LayersModel, x: tf.Tensor): Map<string, tf.Tensor> {
  const seen = new Map<string, tf.Tensor>();
  const out = withNoiseInjector(
    {
      inject(name, h) {
        seen.set(name, tf.keep(h.clone()));
        return h;
      },
    },
    () => model.apply(x, { training: true }) as tf.Tensor,
  );
  out.dispose();
  return seen;
}

const minOf = (t: tf.Tensor) => tf.tidy(() => tf.min(t).dataSync()[0]);

describe("insertNoiseLayers with fusedActivation: 'split' (the default)", () => {
  it('runs each fused layer linear, then the noise, then its activation, on the same variables', () => {
    const model = fusedCnn();
    const tensorsBefore = tf.memory().numTensors;
    const noisy = insertNoiseLayers(model, { after: ['Conv2D', 'Dense'] });
    // No variable was allocated: the linear copies use the original's.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(outline(noisy)).toEqual([
      'Conv2D',
      '+noise',
      'Activation',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      '+noise',
      'Activation',
      'Dense',
      '+noise',
      'Activation',
    ]);
    expect(noisy.layers.map((l) => activationOf(l))).toEqual([
      'linear',
      undefined,
      'relu',
      undefined,
      undefined,
      'linear',
      undefined,
      'relu',
      'linear',
      undefined,
      'softmax',
    ]);
    expect(noisy.layers.filter((l) => l.getClassName() === 'Activation').map((l) => l.name)).toEqual([
      'c1/activation',
      'd1/activation',
      'out/activation',
    ]);
    // The original keeps its fused activations and its layer objects.
    expect(activationOf(model.getLayer('c1'))).toBe('relu');
    expect(noisy.getLayer('c1')).not.toBe(model.getLayer('c1'));
    expect(noisy.weights).toHaveLength(model.weights.length);
    noisy.weights.forEach((w, i) => {
      expect(w).toBe(model.weights[i]);
    });

    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 2);
    const before = predict(model, x);
    const after = predict(noisy, x);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-6);
    tf.dispose([x, before, after]);
  });

  it("hands the noise the pre-activation: the conv's output computed by hand, negatives included", () => {
    const model = fusedCnn();
    const noisy = insertNoiseLayers(model, { after: 'Conv2D' });
    const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 4);
    const seen = noiseInputs(noisy, x);
    const h = seen.get('c1/anl_noise')!;
    const [kernel, bias] = model.getLayer('c1').getWeights();
    const expected = tf.tidy(() =>
      tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'valid'), bias),
    );
    expect(h.shape).toEqual([3, 6, 6, 3]);
    expect(maxAbsDiff(h, expected)).toBeLessThan(1e-5);
    expect(minOf(h)).toBeLessThan(0); // relu would have zeroed these
    tf.dispose([x, h, expected]);
  });

  it('keeps a residual add wired in a functional model and predicts as before', () => {
    const model = fusedResidual();
    const noisy = insertNoiseLayers(model, { after: 'Conv2D' });
    expect(findNoiseLayers(noisy).map((l) => l.name)).toEqual(['res_conv/anl_noise', 'head_conv/anl_noise']);
    const add = noisy.getLayer('res_add');
    const inbound = add.inboundNodes[add.inboundNodes.length - 1].inboundLayers.map((l) => l.name);
    expect(inbound).toEqual(['image', 'res_conv/activation']);
    expect(activationOf(noisy.getLayer('head_conv/activation'))).toBe('elu');

    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 5);
    const before = predict(model, x);
    const after = predict(noisy, x);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-6);
    const seen = noiseInputs(noisy, x);
    for (const h of seen.values()) expect(minOf(h)).toBeLessThan(0);
    tf.dispose([x, before, after, ...seen.values()]);
  });

  it('keeps a layer called twice as one set of weights, with one noise and activation per call', () => {
    const a = tf.input({ shape: [4], name: 'a' });
    const b = tf.input({ shape: [4], name: 'b' });
    const shared = tf.layers.dense({ units: 3, activation: 'tanh', name: 'shared' });
    const joined = tf.layers
      .concatenate({ name: 'join' })
      .apply([shared.apply(a), shared.apply(b)] as tf.SymbolicTensor[]);
    const y = tf.layers.dense({ units: 2, name: 'head' }).apply(joined) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b], outputs: y });
    randomizeWeights(model, 2);
    const noisy = insertNoiseLayers(model, { after: (l) => l.name === 'shared' });
    const linear = noisy.layers.filter((l) => l.name === 'shared');
    expect(linear).toHaveLength(1);
    expect(linear[0].inboundNodes).toHaveLength(2);
    expect(findNoiseLayers(noisy)).toHaveLength(2);
    expect(noisy.layers.filter((l) => l.getClassName() === 'Activation')).toHaveLength(2);
    expect(noisy.weights).toHaveLength(model.weights.length);
    const xs = [tf.randomNormal([3, 4], 0, 1, 'float32', 1), tf.randomNormal([3, 4], 0, 1, 'float32', 2)];
    const before = predict(model, xs);
    const after = predict(noisy, xs);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-6);
    tf.dispose([...xs, before, after]);
  });

  it('splits depthwise and separable convolutions', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({ inputShape: [8, 8, 2], kernelSize: 3, activation: 'relu', name: 'dw' }),
        tf.layers.separableConv2d({ filters: 3, kernelSize: 3, activation: 'relu6', name: 'sep' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, name: 'out' }),
      ],
    });
    randomizeWeights(model, 5);
    const noisy = insertNoiseLayers(model, { after: ['DepthwiseConv2D', 'SeparableConv2D'] });
    expect(outline(noisy)).toEqual([
      'DepthwiseConv2D',
      '+noise',
      'Activation',
      'SeparableConv2D',
      '+noise',
      'Activation',
      'Flatten',
      'Dense',
    ]);
    noisy.weights.forEach((w, i) => {
      expect(w).toBe(model.weights[i]);
    });
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 8);
    const before = predict(model, x);
    const after = predict(noisy, x);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-6);
    tf.dispose([x, before, after]);
  });

  it("carries weight regularisers: the copy's loss reads the shared kernel", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [4],
          units: 3,
          activation: 'relu',
          kernelRegularizer: tf.regularizers.l2({ l2: 0.5 }),
          name: 'reg',
        }),
      ],
    });
    randomizeWeights(model, 3);
    const noisy = insertNoiseLayers(model, { after: 'Dense' });
    const copy = noisy.getLayer('reg');
    expect(copy.losses).toHaveLength(1);
    const kernel = model.getLayer('reg').getWeights()[0];
    const expected = tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(kernel))).dataSync()[0]);
    const got = tf.tidy(() => (copy.losses[0] as unknown as () => tf.Tensor)().dataSync()[0]);
    expect(got).toBeCloseTo(expected, 5);
  });

  it('disposing the noisy model leaves the original usable (the variables are the original’s)', () => {
    const model = fusedCnn();
    const noisy = insertNoiseLayers(model, { after: 'Conv2D' });
    noisy.dispose();
    const x = tf.randomNormal([1, 8, 8, 1]);
    const y = predict(model, x);
    expect(y.shape).toEqual([1, 3]);
    tf.dispose([x, y]);
  });
});

describe('a split model through strip and training', () => {
  it('strips to a clean model with separate Activation layers and the same predictions', () => {
    const model = fusedResidual();
    const noisy = insertNoiseLayers(model, { after: 'Conv2D', input: true });
    const clean = stripNoiseLayers(noisy);
    expect(findNoiseLayers(clean)).toEqual([]);
    expect(clean.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Conv2D',
      'Activation',
      'Add',
      'Conv2D',
      'Activation',
      'GlobalAveragePooling2D',
      'Dense',
    ]);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 6);
    const original = predict(model, x);
    const a = predict(noisy, x);
    const b = predict(clean, x);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    expect(maxAbsDiff(original, b)).toBeLessThan(1e-6);
    tf.dispose([x, original, a, b]);
  });

  it('trains with ANL: the shared weights move, strip exports them, and no tensor leaks', async () => {
    const model = fusedCnn();
    const noisy = insertNoiseLayers(model, { after: ['Conv2D', 'Dense'] });
    const xs = tf.randomNormal([8, 8, 8, 1], 0, 1, 'float32', 9);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3).toFloat();
    const optimizer = tf.train.sgd(0.5);
    // getWeights() hands out the variables themselves: clone to keep the values.
    const kernelBefore = model.getLayer('c1').getWeights()[0].clone();
    const predsBefore = predict(noisy, xs);
    const options = { method: 'anl' as const, eps: 0.05, batchSize: 4, optimizer, seed: 3 };

    const start = tf.memory().numTensors;
    await trainWithNoise(noisy, { xs, ys }, { ...options, epochs: 1 }); // 2 steps
    const afterFew = tf.memory().numTensors;
    await trainWithNoise(noisy, { xs, ys }, { ...options, epochs: 10 }); // 20 more
    expect(tf.memory().numTensors).toBe(afterFew);
    expect(afterFew).toBe(start);

    // The original model's variables are the ones that trained.
    const kernelAfter = model.getLayer('c1').getWeights()[0].clone();
    expect(maxAbsDiff(kernelBefore, kernelAfter)).toBeGreaterThan(1e-4);
    expect(noisy.getLayer('c1').getWeights()[0]).toBe(model.getLayer('c1').getWeights()[0]);

    const clean = stripNoiseLayers(noisy);
    const predsNoisy = predict(noisy, xs);
    const predsClean = predict(clean, xs);
    expect(maxAbsDiff(predsNoisy, predsClean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(predsBefore, predsClean)).toBeGreaterThan(1e-4);
    tf.dispose([xs, ys, kernelBefore, kernelAfter, predsBefore, predsNoisy, predsClean]);
  });
});

describe("fusedActivation: 'after' and bad values", () => {
  it("'after' keeps the fused layer object and puts the noise after its activation", () => {
    const model = fusedCnn();
    const noisy = insertNoiseLayers(model, { after: 'Conv2D', fusedActivation: 'after' });
    // The shared first layer is already connected, so the copy starts with an explicit input layer.
    expect(outline(noisy)).toEqual([
      'InputLayer',
      'Conv2D',
      '+noise',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Dense',
    ]);
    expect(noisy.getLayer('c1')).toBe(model.getLayer('c1'));
    const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 4);
    const seen = noiseInputs(noisy, x);
    const h = seen.get('c1/anl_noise')!;
    expect(minOf(h)).toBe(0); // after the relu: no negative value, some zeroed
    tf.dispose([x, h]);
  });

  it('an Activation layer is not a fused activation: noise goes after it, nothing is split', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3, name: 'lin' }),
        tf.layers.activation({ activation: 'relu', name: 'act' }),
      ],
    });
    const noisy = insertNoiseLayers(model, { after: 'Activation' });
    expect(outline(noisy)).toEqual(['InputLayer', 'Dense', 'Activation', '+noise']);
    expect(noisy.getLayer('act')).toBe(model.getLayer('act'));
  });

  it('a bad fusedActivation value is refused before anything is built', () => {
    const model = fusedCnn();
    const tensors = tf.memory().numTensors;
    for (const bad of ['before', '', 1, null]) {
      expect(() => insertNoiseLayers(model, { after: 'Conv2D', fusedActivation: bad as never })).toThrow(
        refused('INVALID_ARGUMENT', 'options.fusedActivation'),
      );
    }
    expect(() => insertNoiseLayers(model, { after: 'Conv2D', fusedActivation: 'before' as never })).toThrow(
      /'split' or 'after'.*before/,
    );
    expect(tf.memory().numTensors).toBe(tensors);
    expect(activationOf(model.getLayer('c1'))).toBe('relu');
  });

  it('a layer whose activation cannot be split off (a recurrent layer) is UNSUPPORTED unless after', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ inputShape: [3, 2], units: 4, activation: 'tanh', name: 'rnn' }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    expect(() => insertNoiseLayers(model, { after: 'SimpleRNN' })).toThrow(
      refused('UNSUPPORTED', 'options.after'),
    );
    expect(() => insertNoiseLayers(model, { after: 'SimpleRNN' })).toThrow(/rnn.*fusedActivation: 'after'/);
    const noisy = insertNoiseLayers(model, { after: 'SimpleRNN', fusedActivation: 'after' });
    expect(outline(noisy)).toEqual(['InputLayer', 'SimpleRNN', '+noise', 'Dense']);
  });
});
