import { createRng } from '@anl/core';
import {
  buildOnnxModel,
  decodeOnnxModel,
  type ExportToOnnxOptions,
  exportToOnnx,
  type OnnxAttribute,
  type OnnxModel,
} from '@anl/onnx';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
// The exporter learns @anl/tfjs's and @anl/models' layers from their `onnx` subpaths.
import '@anl/models/onnx';

/**
 * `exportToOnnx(model, options)`, after checking that the bytes decode (with the code generated from
 * onnx.proto) back to exactly the model `buildOnnxModel` built: every node, attribute, input, output
 * and initializer, values compared bit for bit once rounded to float32 (what the file stores).
 */
export function exportChecked(model: tf.LayersModel, options: ExportToOnnxOptions = {}): Uint8Array {
  const bytes = exportToOnnx(model, options);
  const decoded = decodeOnnxModel(bytes);
  const built = buildOnnxModel(model, options);
  expect(structure(decoded)).toEqual(structure(built));
  built.graph.initializers.forEach((t, i) => {
    const stored = t.dataType === 'float' ? Float32Array.from(t.values) : t.values;
    expect(sameBits(decoded.graph.initializers[i].values, stored), `initializer ${t.name}`).toBe(true);
  });
  return bytes;
}

/** Everything but the initializers' values (compared apart: a deep equal of megabytes is slow). */
function structure(m: OnnxModel): unknown {
  const nodes = m.graph.nodes.map((n) => ({ ...n, attributes: (n.attributes ?? []).map(asStored) }));
  const initializers = m.graph.initializers.map((t) => ({ ...t, values: t.values.length }));
  return { ...m, docString: m.docString, graph: { ...m.graph, nodes, initializers } };
}

/** Float attributes as float32, as ONNX stores them. */
function asStored(a: OnnxAttribute): OnnxAttribute {
  if (a.type === 'float') return { ...a, value: Math.fround(a.value) };
  if (a.type === 'floats') return { ...a, value: a.value.map(Math.fround) };
  return a;
}

function sameBits(a: Float32Array | readonly number[], b: Float32Array | readonly number[]): boolean {
  if (a.length !== b.length || a instanceof Float32Array !== b instanceof Float32Array) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Replaces every weight with seeded random values, so biases and BN statistics matter: kernels
 * N(0, 1/fan-in) (activations stay O(1), softmax outputs do not saturate), vectors N(0, 0.3^2),
 * moving variances in [0.5, ∞).
 */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((p, d) => p * d, 1);
      const data = new Float32Array(size);
      const variance = w.name.includes('moving_variance');
      const depthwise = w.name.includes('depthwise');
      const fanIn = shape.length < 2 ? 0 : depthwise ? shape[0] * shape[1] : size / shape[shape.length - 1];
      const scale = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0.3;
      for (let i = 0; i < size; i++) data[i] = variance ? 0.5 + Math.abs(rng.normal()) : scale * rng.normal();
      return tf.tensor(data, w.shape as number[]);
    });
    if (values.length > 0) {
      layer.setWeights(values);
      tf.dispose(values);
    }
  }
}

/** Seeded N(0, 1) host input of `shape`. */
export function randomInput(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.normal());
}

/** tfjs predictions for one or more inputs, as host arrays. */
export function tfjsPredict(
  model: tf.LayersModel,
  inputs: { data: Float32Array; shape: number[] }[],
): Float32Array[] {
  return tf.tidy(() => {
    const out = model.predict(inputs.map((i) => tf.tensor(i.data, i.shape)));
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}

/** Runs ONNX `bytes` in onnxruntime-node on inputs in graph-input order; outputs in graph-output order. */
export async function onnxPredict(
  bytes: Uint8Array | string,
  inputs: { data: Float32Array; shape: number[] }[],
): Promise<{ values: Float32Array[]; dims: number[][] }> {
  const session = await ort.InferenceSession.create(bytes as Uint8Array, { logSeverityLevel: 3 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => {
      feeds[name] = new ort.Tensor('float32', inputs[i].data, inputs[i].shape);
    });
    const results = await session.run(feeds);
    return {
      values: session.outputNames.map((n) => results[n].data as Float32Array),
      dims: session.outputNames.map((n) => [...results[n].dims]),
    };
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A functional residual block with batch norm: conv-BN-relu-conv-BN + skip, relu, GAP, dense. */
export function residualNet(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'image' });
  const stem = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'stem' })
    .apply(input) as tf.SymbolicTensor;
  let h = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false })
    .apply(stem) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ epsilon: 1e-5 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.add().apply([h, stem]) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 5, activation: 'softmax', name: 'probs' })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
