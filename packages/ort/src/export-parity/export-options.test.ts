import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnnxModel, exportToOnnx, saveOnnx } from '@anl/onnx';
import { parametricNoiseLayer } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportChecked,
  maxAbsDiff,
  onnxPredict,
  randomInput,
  randomizeWeights,
  tfjsPredict,
} from './test-models.test-helpers';

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

let dir = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'anl-ort-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function smallDense(): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'tanh', name: 'hidden' })],
  });
  randomizeWeights(model, 31);
  return model;
}

describe('exportToOnnx options and files', () => {
  it('the batch dimension is symbolic by default: one file runs batch 1 and batch 5', async () => {
    const model = smallDense();
    const bytes = exportToOnnx(model);
    for (const batch of [1, 5]) {
      const input = { shape: [batch, 3], data: randomInput([batch, 3], batch) };
      const got = await onnxPredict(bytes, [input]);
      expect(got.dims[0]).toEqual([batch, 2]);
      expect(maxAbsDiff(got.values[0], tfjsPredict(model, [input])[0])).toBeLessThan(1e-6);
    }
    model.dispose();
  });

  it('batchSize fixes the batch dimension (ORT refuses another)', async () => {
    const model = smallDense();
    const bytes = exportToOnnx(model, { batchSize: 2 });
    const graph = buildOnnxModel(model, { batchSize: 2 }).graph;
    expect(graph.inputs[0].shape).toEqual([2, 3]);
    expect(graph.outputs[0].shape).toEqual([2, 2]);
    await expect(onnxPredict(bytes, [{ shape: [3, 3], data: new Float32Array(9) }])).rejects.toThrow();
    expect(() => exportToOnnx(model, { batchSize: 0 })).toThrow(
      refused('INVALID_ARGUMENT', 'options.batchSize'),
    );
    model.dispose();
  });

  it('inputs and outputs are named after the input and output layers', () => {
    const model = smallDense();
    const graph = buildOnnxModel(model).graph;
    expect(graph.inputs.map((i) => i.name)).toEqual([model.inputs[0].sourceLayer.name]);
    expect(graph.outputs.map((o) => o.name)).toEqual(['hidden']);
    model.dispose();
  });

  it('saveOnnx writes a file onnxruntime loads from its path', async () => {
    const model = smallDense();
    const path = join(dir, 'dense.onnx');
    const size = await saveOnnx(model, path);
    expect(size).toBe(exportToOnnx(model).length);
    const input = { shape: [2, 3], data: randomInput([2, 3], 3) };
    const got = await onnxPredict(path, [input]);
    expect(maxAbsDiff(got.values[0], tfjsPredict(model, [input])[0])).toBeLessThan(1e-6);
    model.dispose();
  });
});

describe('exportToOnnx refusals', () => {
  it('an unsupported layer: UNSUPPORTED naming the layer and its class', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 4 }),
        tf.layers.reshape({ targetShape: [2, 2, 1] }),
        tf.layers.conv2dTranspose({ filters: 1, kernelSize: 2, name: 'grow' }),
      ],
    });
    expect(() => exportToOnnx(model)).toThrow(refused('UNSUPPORTED', 'model'));
    expect(() => exportToOnnx(model)).toThrow(/"grow" \(class Conv2DTranspose\)/);
    model.dispose();
  });

  it('an unsupported activation and channels-first data are refused', () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 4, activation: 'gelu_new', name: 'odd' })],
    });
    expect(() => exportToOnnx(model)).toThrow(/"odd" \(class Dense\).*activation gelu_new/);
    model.dispose();
    const first = tf.sequential({
      layers: [tf.layers.maxPooling2d({ inputShape: [2, 4, 4], poolSize: 2, dataFormat: 'channelsFirst' })],
    });
    expect(() => exportToOnnx(first)).toThrow(refused('UNSUPPORTED', 'model'));
    first.dispose();
  });

  it('something that is not a model: INVALID_ARGUMENT', () => {
    expect(() => exportToOnnx({} as never)).toThrow(refused('INVALID_ARGUMENT', 'model'));
    expect(() => exportToOnnx(null as never)).toThrow(refused('INVALID_ARGUMENT', 'model'));
  });
});

describe('exportToOnnx: ParametricNoiseLayer (PNI)', () => {
  function pniModel(activeAtInference: boolean): tf.LayersModel {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [50], units: 200 }),
        parametricNoiseLayer({ alphaInit: 0.5, activeAtInference }),
      ],
    });
    randomizeWeights(model, 41);
    // randomizeWeights also drew alpha; put it back to a known value.
    model.layers[1].setWeights([tf.tensor([0.5])]);
    return model;
  }

  it('inactive at inference: the identity, same predictions as tfjs', async () => {
    const model = pniModel(false);
    const input = { shape: [4, 50], data: randomInput([4, 50], 1) };
    const got = await onnxPredict(exportChecked(model), [input]);
    expect(maxAbsDiff(got.values[0], tfjsPredict(model, [input])[0])).toBeLessThan(1e-5);
    model.dispose();
  });

  it('active: fresh noise on each run of a session, with std alpha * std(h), as tfjs draws it', async () => {
    const model = pniModel(true);
    const input = { shape: [4, 50], data: randomInput([4, 50], 2) };
    const clean = tfjsPredict(tf.sequential({ layers: [model.layers[0]] }), [input])[0];
    const session = await ort.InferenceSession.create(exportToOnnx(model));
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.shape) };
    const a = (await session.run(feeds))[session.outputNames[0]].data as Float32Array;
    const b = (await session.run(feeds))[session.outputNames[0]].data as Float32Array;
    await session.release();
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0);
    const std = (v: Float32Array, mean = v.reduce((s, x) => s + x, 0) / v.length) =>
      Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    const noise = a.map((x, i) => x - clean[i]);
    // 800 draws: the sample std is within 5 standard errors (5 / sqrt(2 * 800) ~ 12.5%) of 0.5 std(h).
    expect(Math.abs(std(noise) / (0.5 * std(clean)) - 1)).toBeLessThan(0.125);
    model.dispose();
  });
});
