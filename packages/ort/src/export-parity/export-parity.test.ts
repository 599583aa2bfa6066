import { lenet5 } from '@anl/models';
import { buildOnnxModel } from '@anl/onnx';
import { insertNoiseLayers } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportChecked,
  maxAbsDiff,
  onnxPredict,
  randomInput,
  randomizeWeights,
  residualNet,
  tfjsPredict,
} from './test-models.test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Exports `model`, runs both on the same random input and returns the largest |difference| per output. */
async function parity(model: tf.LayersModel, inputShapes: number[][], seed = 1): Promise<number[]> {
  const inputs = inputShapes.map((shape, k) => ({ shape, data: randomInput(shape, seed + k) }));
  const want = tfjsPredict(model, inputs);
  const got = await onnxPredict(exportChecked(model), inputs);
  expect(got.values.length).toBe(want.length);
  for (const [i, dims] of got.dims.entries()) {
    expect(dims).toEqual(model.outputs[i].shape.map((d) => d ?? inputShapes[0][0]));
  }
  return want.map((w, i) => maxAbsDiff(got.values[i], w));
}

/** The largest probability of any sample: a saturated softmax (near 1) would make parity checks weak. */
function maxProbability(model: tf.LayersModel, shape: number[]): number {
  return Math.max(...tfjsPredict(model, [{ shape, data: randomInput(shape, 1) }])[0]);
}

describe('exportToOnnx: onnxruntime gives tf.predict outputs', () => {
  it('LeNet-5 (28x28x1, random weights), batch 4, within 1e-4', async () => {
    const model = lenet5({ noise: false });
    randomizeWeights(model, 11);
    const [diff] = await parity(model, [[4, 28, 28, 1]]);
    expect(diff).toBeLessThan(1e-4);
    expect(maxProbability(model, [4, 28, 28, 1])).toBeLessThan(0.99);
    // Channels-first inside: one Transpose after the input, one before Flatten.
    const transposes = buildOnnxModel(model).graph.nodes.filter((n) => n.opType === 'Transpose');
    expect(transposes.map((n) => n.attributes?.[0])).toEqual([
      { name: 'perm', type: 'ints', value: [0, 3, 1, 2] },
      { name: 'perm', type: 'ints', value: [0, 2, 3, 1] },
    ]);
    model.dispose();
  });

  it('functional residual net with batch norm (random statistics), within 1e-4', async () => {
    const model = residualNet();
    randomizeWeights(model, 12);
    const [diff] = await parity(model, [[3, 8, 8, 3]]);
    expect(diff).toBeLessThan(1e-4);
    expect(maxProbability(model, [3, 8, 8, 3])).toBeLessThan(0.99);
    model.dispose();
  });

  it('a model with noise layers inserted exports to the predictions (and the graph) of the clean model', async () => {
    const model = lenet5({ noise: false });
    randomizeWeights(model, 13);
    const noisy = insertNoiseLayers(model, { after: ['Conv2D', 'Dense'], input: true });
    expect(noisy.layers.length).toBeGreaterThan(model.layers.length);
    const input = { shape: [2, 28, 28, 1], data: randomInput([2, 28, 28, 1], 5) };
    const clean = tfjsPredict(model, [input])[0];
    const fromNoisy = await onnxPredict(exportChecked(noisy), [input]);
    expect(maxAbsDiff(fromNoisy.values[0], clean)).toBeLessThan(1e-4);
    // Noise layers leave no node behind: the same ops as the clean model's graph.
    const ops = (m: tf.LayersModel) => buildOnnxModel(m).graph.nodes.map((n) => n.opType);
    expect(ops(noisy)).toEqual(ops(model));
    model.dispose();
  });
});

describe('exportToOnnx: noise layers in a functional model', () => {
  it('noise after every BatchNormalization of the residual net: same predictions as the clean net', async () => {
    const model = residualNet();
    randomizeWeights(model, 14);
    const noisy = insertNoiseLayers(model, { after: 'BatchNormalization' });
    const input = { shape: [2, 8, 8, 3], data: randomInput([2, 8, 8, 3], 6) };
    const fromNoisy = await onnxPredict(exportChecked(noisy), [input]);
    expect(maxAbsDiff(fromNoisy.values[0], tfjsPredict(model, [input])[0])).toBeLessThan(1e-4);
    model.dispose();
  });
});

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
  layer.apply(x) as tf.SymbolicTensor;

describe('exportToOnnx: every supported layer matches tf.predict', () => {
  it('strided, dilated and depthwise/separable convs, same padding on odd sizes, zero padding, pooling', async () => {
    const input = tf.input({ shape: [9, 7, 3] });
    let h = apply(
      tf.layers.zeroPadding2d({
        padding: [
          [1, 0],
          [2, 1],
        ],
      }),
      input,
    );
    h = apply(
      tf.layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'elu' }),
      h,
    );
    const a = apply(
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu6' }),
      h,
    );
    const b = apply(
      tf.layers.conv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' }),
      h,
    );
    h = apply(tf.layers.concatenate(), [a, b]);
    h = apply(
      tf.layers.separableConv2d({
        filters: 5,
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'same',
        activation: 'sigmoid',
      }),
      h,
    );
    const avg = apply(tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), h);
    const max = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), h);
    h = apply(tf.layers.multiply(), [avg, max]);
    h = apply(tf.layers.depthwiseConv2d({ kernelSize: 2, useBias: false, strides: 1, padding: 'valid' }), h);
    const gmax = apply(tf.layers.globalMaxPooling2d({}), h);
    const flat = apply(tf.layers.flatten(), h);
    const out = apply(tf.layers.dense({ units: 3 }), apply(tf.layers.concatenate({ axis: 1 }), [gmax, flat]));
    const model = tf.model({ inputs: input, outputs: out });
    randomizeWeights(model, 21);
    const [diff] = await parity(model, [[2, 9, 7, 3]]);
    expect(diff).toBeLessThan(1e-4);
    model.dispose();
  });

  it('two inputs, two outputs; merges, activation layers, Reshape, Dense on rank 3, BN on rank 2, Dropout', async () => {
    const x = tf.input({ shape: [6] });
    const y = tf.input({ shape: [6] });
    const s = apply(tf.layers.add(), [x, y]);
    const m = apply(tf.layers.multiply(), [x, y]);
    const avg = apply(tf.layers.average(), [s, m, x]);
    const mx = apply(tf.layers.maximum(), [s, m]);
    const mn = apply(tf.layers.minimum(), [s, m]);
    let h = apply(tf.layers.concatenate(), [avg, mx, mn]);
    h = apply(tf.layers.leakyReLU({ alpha: 0.2 }), h);
    h = apply(tf.layers.reshape({ targetShape: [3, 6] }), h);
    h = apply(tf.layers.dense({ units: 4, activation: 'softplus' }), h);
    h = apply(tf.layers.elu(), h);
    h = apply(tf.layers.flatten(), h);
    h = apply(tf.layers.dropout({ rate: 0.5 }), h);
    h = apply(tf.layers.batchNormalization({ center: false }), h);
    const first = apply(tf.layers.reLU({ maxValue: 0.5 }), h);
    let second = apply(tf.layers.batchNormalization({ scale: false }), h);
    second = apply(tf.layers.softmax(), apply(tf.layers.dense({ units: 3, useBias: false }), second));
    const model = tf.model({ inputs: [x, y], outputs: [first, second] });
    randomizeWeights(model, 22);
    const diffs = await parity(model, [
      [3, 6],
      [3, 6],
    ]);
    for (const d of diffs) expect(d).toBeLessThan(1e-4);
    model.dispose();
  });

  it('every supported activation, in Dense layers and in a conv (channels-first) for softmax', async () => {
    const acts = [
      'relu',
      'relu6',
      'sigmoid',
      'hardSigmoid',
      'tanh',
      'elu',
      'selu',
      'softplus',
      'softsign',
      'softmax',
      'logSoftmax',
      'swish',
      'mish',
      'gelu',
      'linear',
    ] as const;
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [5], units: 5, activation: 'linear' }));
    // 'logSoftmax' is a registered tfjs activation missing from the ActivationIdentifier type.
    for (const activation of acts) model.add(tf.layers.dense({ units: 5, activation: activation as 'relu' }));
    randomizeWeights(model, 23);
    const [diff] = await parity(model, [[4, 5]]);
    expect(diff).toBeLessThan(1e-4);
    model.dispose();
    const conv = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [4, 4, 2], filters: 3, kernelSize: 2, activation: 'softmax' })],
    });
    randomizeWeights(conv, 24);
    const [convDiff] = await parity(conv, [[2, 4, 4, 2]]);
    expect(convDiff).toBeLessThan(1e-5);
    conv.dispose();
  });

  it('UpSampling2D (nearest and bilinear) and Cropping2D, in both layouts', async () => {
    const input = tf.input({ shape: [5, 4, 2] });
    const near = apply(tf.layers.upSampling2d({ size: [2, 3] }), input);
    const conv = apply(tf.layers.conv2d({ filters: 2, kernelSize: 1 }), input);
    const bilinear = apply(tf.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }), conv);
    let h = apply(tf.layers.concatenate(), [near, bilinear]);
    h = apply(
      tf.layers.cropping2D({
        cropping: [
          [1, 2],
          [0, 3],
        ],
      }),
      h,
    );
    const crop2 = apply(
      tf.layers.cropping2D({
        cropping: [
          [2, 0],
          [1, 1],
        ],
      }),
      apply(tf.layers.conv2d({ filters: 3, kernelSize: 1 }), input),
    );
    const model = tf.model({ inputs: input, outputs: [h, crop2] });
    randomizeWeights(model, 27);
    for (const d of await parity(model, [[2, 5, 4, 2]])) expect(d).toBeLessThan(1e-5);
    model.dispose();
  });

  it('a layer called twice (shared weights) on two inputs', async () => {
    const shared = tf.layers.dense({ units: 3, activation: 'tanh' });
    const a = tf.input({ shape: [4] });
    const b = tf.input({ shape: [4] });
    const out = apply(tf.layers.concatenate(), [apply(shared, a), apply(shared, b)]);
    const model = tf.model({ inputs: [a, b], outputs: out });
    randomizeWeights(model, 28);
    const [diff] = await parity(model, [
      [2, 4],
      [2, 4],
    ]);
    expect(diff).toBeLessThan(1e-5);
    // The shared kernel and bias are stored once.
    expect(buildOnnxModel(model).graph.initializers.length).toBe(2);
    model.dispose();
  });

  it('a Sequential nested in a functional model', async () => {
    const inner = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
      ],
    });
    const input = tf.input({ shape: [6, 6, 2] });
    const h = apply(tf.layers.flatten(), apply(inner, input));
    const model = tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 2 }), h) });
    randomizeWeights(model, 25);
    randomizeWeights(inner, 26);
    const [diff] = await parity(model, [[3, 6, 6, 2]]);
    expect(diff).toBeLessThan(1e-4);
    model.dispose();
  });
});
