import { AnlError, invalidArgument } from '@anl/core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { encodeOnnxModel, type OnnxModel } from '../onnx/onnx-model';
import { ANL_MODEL_CONVERTERS } from './anl-model-layers';
import { type LayerConverter, type LayerLike, unsupported } from './converter-context';
import { CONVOLUTION_CONVERTERS } from './convolution-layers';
import { CORE_CONVERTERS } from './core-layers';
import { ExportValue } from './export-value';
import { MERGE_CONVERTERS } from './merge-layers';
import { NOISE_CONVERTERS } from './noise-layers';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { PNI_WEIGHT_CONVERTERS } from './pni-weight-layers';
import { POOLING_CONVERTERS } from './pooling-layers';
import { RESIZE_CONVERTERS } from './resize-layers';

export interface ExportToOnnxOptions {
  /**
   * A fixed batch size for the graph's inputs and outputs. Default: a symbolic dimension named
   * `'batch'`, so one file serves any batch size.
   */
  readonly batchSize?: number;
  /** The graph's name (default: the model's name). */
  readonly graphName?: string;
  /** Free text stored in the file (ModelProto.doc_string). */
  readonly docString?: string;
}

/** Every layer class the exporter converts (tfjs class names). */
const CONVERTERS: Record<string, LayerConverter> = {
  ...CORE_CONVERTERS,
  ...CONVOLUTION_CONVERTERS,
  ...POOLING_CONVERTERS,
  ...MERGE_CONVERTERS,
  ...RESIZE_CONVERTERS,
  ...NOISE_CONVERTERS,
  ...PNI_WEIGHT_CONVERTERS,
  ...ANL_MODEL_CONVERTERS,
};

export const SUPPORTED_LAYER_CLASSES: readonly string[] = [
  'InputLayer',
  ...Object.keys(CONVERTERS),
  'Sequential',
  'Model',
];

/** The parts of tfjs's SymbolicTensor and Node the graph walk reads. */
interface SymbolicLike {
  readonly shape: readonly (number | null)[];
  readonly sourceLayer: LayerLike & { readonly inboundNodes: readonly NodeLike[] };
  readonly nodeIndex: number;
}
interface NodeLike {
  readonly inputTensors: readonly SymbolicLike[];
  readonly outputTensors: readonly SymbolicLike[];
}
interface ModelLike extends LayerLike {
  readonly inputs: readonly SymbolicLike[];
  readonly outputs: readonly SymbolicLike[];
}

/**
 * The ONNX model (ModelProto bytes, opset 17) computing `model.predict`. Inputs and outputs keep
 * tfjs's shapes and channels-last order and are named after the input and output layers; spatial
 * layers run channels-first inside the graph (see `ExportValue`). `NoiseLayer`s are skipped, so a
 * model with noise layers exports to the same graph as its `stripNoiseLayers` copy.
 * Throws AnlError UNSUPPORTED naming the first layer it cannot convert, before writing anything.
 */
export function exportToOnnx(model: LayersModel, options: ExportToOnnxOptions = {}): Uint8Array {
  return encodeOnnxModel(buildOnnxModel(model, options));
}

/** The model as plain ONNX objects (what `exportToOnnx` encodes). */
export function buildOnnxModel(model: LayersModel, options: ExportToOnnxOptions = {}): OnnxModel {
  const m = checkModel(model);
  const batch = options.batchSize ?? 'batch';
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1)) {
    invalidArgument('options.batchSize', 'an integer >= 1', options.batchSize);
  }
  const g = new OnnxGraphBuilder();
  const inputs = m.inputs.map((st) => {
    const shape = st.shape.slice(1);
    if (shape.some((d) => d == null)) {
      throw unsupported(st.sourceLayer, `input shape [${st.shape}] has unknown dimensions besides the batch`);
    }
    const name = g.input(st.sourceLayer.name, 'float', [batch, ...(shape as number[])]);
    return new ExportValue(name, st.shape, 'tfjs');
  });
  const outputs = convertGraph(g, m, inputs);
  outputs.forEach((value, i) => {
    const v = value.inTfjsLayout(g);
    const shape = m.outputs[i].shape.slice(1);
    g.output(v.name, m.outputs[i].sourceLayer.name, 'float', [
      batch,
      ...shape.map((d, k) => d ?? `dim${k + 1}`),
    ]);
  });
  return {
    graph: g.build(options.graphName ?? m.name),
    producerName: '@anl/ort',
    producerVersion: '0.1.0',
    docString: options.docString,
  };
}

/** Converts the layers between `model.inputs` (bound to `inputs`) and `model.outputs`. */
function convertGraph(g: OnnxGraphBuilder, model: ModelLike, inputs: readonly ExportValue[]): ExportValue[] {
  const values = new Map<SymbolicLike, ExportValue>();
  for (const [i, st] of model.inputs.entries()) values.set(st, inputs[i]);
  // Iterative post-order walk from the outputs: a layer call is converted once its inputs are.
  const resolve = (target: SymbolicLike): ExportValue => {
    const stack: SymbolicLike[] = [target];
    while (stack.length > 0) {
      const st = stack[stack.length - 1];
      if (values.has(st)) {
        stack.pop();
        continue;
      }
      const node = st.sourceLayer.inboundNodes[st.nodeIndex];
      if (!node || st.sourceLayer.getClassName() === 'InputLayer') {
        throw unsupported(st.sourceLayer, 'the graph reaches an input that is not one of the model inputs');
      }
      const missing = node.inputTensors.filter((t) => !values.has(t));
      if (missing.length > 0) {
        stack.push(...missing);
        continue;
      }
      stack.pop();
      const outs = convertCall(
        g,
        st.sourceLayer,
        node,
        node.inputTensors.map((t) => values.get(t)!),
      );
      for (const [i, t] of node.outputTensors.entries()) values.set(t, outs[i]);
    }
    return values.get(target)!;
  };
  return model.outputs.map(resolve);
}

function convertCall(
  g: OnnxGraphBuilder,
  layer: SymbolicLike['sourceLayer'],
  node: NodeLike,
  inputs: ExportValue[],
): ExportValue[] {
  const className = layer.getClassName();
  if (className === 'Sequential' || className === 'Model' || className === 'Functional') {
    return convertGraph(g, layer as unknown as ModelLike, inputs);
  }
  const converter = CONVERTERS[className];
  if (!converter) {
    throw unsupported(
      layer,
      `no ONNX converter for this class; supported: ${SUPPORTED_LAYER_CLASSES.join(', ')}`,
    );
  }
  const outs = converter({
    g,
    layer,
    config: layer.getConfig(),
    inputs,
    outputShapes: node.outputTensors.map((t) => t.shape),
  });
  if (outs.length !== node.outputTensors.length) {
    throw unsupported(layer, `converter gave ${outs.length} outputs for ${node.outputTensors.length}`);
  }
  return outs;
}

function checkModel(model: unknown): ModelLike {
  const m = model as Partial<ModelLike> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    typeof m.getClassName !== 'function' ||
    !Array.isArray(m.inputs) ||
    !Array.isArray(m.outputs) ||
    m.inputs.length === 0
  ) {
    invalidArgument(
      'model',
      'a built tfjs LayersModel (Sequential or functional, with inputs and outputs)',
      model,
    );
  }
  if (m.outputs.length === 0)
    throw new AnlError('INVALID_ARGUMENT', 'model has no outputs', { argument: 'model' });
  return m as ModelLike;
}
