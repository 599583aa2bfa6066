import { AnlError } from '@anl/core';
import {
  model as functionalModel,
  input,
  type LayersModel,
  layers,
  Sequential,
  type SymbolicTensor,
  sequential,
} from '@tensorflow/tfjs-layers';
import { checkBuiltModel } from './model-checks';

/**
 * How `rewriteModel` changes a model, layer by layer. Layers are met in forward order; a layer
 * object returned here is called on the new graph's tensors (the same object = shared weights).
 */
export interface RewriteHooks {
  /** The layer to call in place of `layer`, or null to drop it (only single-input, single-output layers). */
  replace(layer: layers.Layer): layers.Layer | null;
  /**
   * New layers to call on output `outputIndex` of `layer` (after its replacement), one after the
   * other when a list, or null.
   */
  after(layer: layers.Layer, outputIndex: number): layers.Layer | readonly layers.Layer[] | null;
  /** A new layer to call on model input `inputIndex`, or null. */
  afterInput(inputIndex: number): layers.Layer | null;
}

interface GraphNode {
  outboundLayer: layers.Layer;
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  callArgs?: Record<string, unknown>;
}

/** True for the graph's input placeholders, which every rewrite creates anew. */
export function isInputLayer(layer: layers.Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/**
 * A new model wired like `model`, with layers replaced, dropped or added by `hooks`. A Sequential
 * model gives a Sequential model (starting with an explicit input layer); any other model is
 * rebuilt node by node from its graph, so branches, merges and multi-input layers keep their wiring.
 */
export function rewriteModel(model: LayersModel, hooks: RewriteHooks): LayersModel {
  checkBuiltModel(model);
  return model instanceof Sequential ? rewriteSequential(model, hooks) : rewriteFunctional(model, hooks);
}

function rewriteSequential(model: Sequential, hooks: RewriteHooks): Sequential {
  const source = model.inputs[0];
  const rebuilt = sequential({ name: model.name });
  let started = false;
  const start = (first: layers.Layer | null) => {
    started = true;
    // A fresh first layer that knows its input shape makes its own input, as in the original
    // (a stripped copy looks like the model it came from). Shared layers are already connected,
    // and input noise goes before the first layer: both need an explicit input layer.
    if (first && first.inboundNodes.length === 0 && first.batchInputShape != null) return;
    rebuilt.add(
      layers.inputLayer({
        batchInputShape: source.shape,
        dtype: source.dtype,
        name: source.sourceLayer.name,
      }),
    );
  };
  const inputNoise = hooks.afterInput(0);
  if (inputNoise) {
    start(null);
    rebuilt.add(inputNoise);
  }
  for (const layer of model.layers) {
    if (isInputLayer(layer)) continue;
    const replacement = hooks.replace(layer);
    if (replacement) {
      if (!started) start(replacement);
      rebuilt.add(replacement);
    }
    for (const next of asList(hooks.after(layer, 0))) {
      if (!started) start(null);
      rebuilt.add(next);
    }
  }
  if (!started) start(null);
  return rebuilt;
}

function rewriteFunctional(model: LayersModel, hooks: RewriteHooks): LayersModel {
  const rewired = new Map<number, SymbolicTensor>();
  const newInputs = model.inputs.map((source, i) => {
    const x = input({ batchShape: source.shape, dtype: source.dtype, name: source.sourceLayer.name });
    const noise = hooks.afterInput(i);
    rewired.set(source.id, noise ? (noise.apply(x) as SymbolicTensor) : x);
    return x;
  });
  // nodesByDepth: the model's own nodes; higher depth = closer to the inputs.
  const byDepth = model.nodesByDepth as unknown as Record<string, GraphNode[]>;
  const depths = Object.keys(byDepth)
    .map(Number)
    .sort((a, b) => b - a);
  for (const depth of depths) {
    for (const node of byDepth[depth]) {
      const layer = node.outboundLayer;
      if (isInputLayer(layer)) continue;
      const inputs = node.inputTensors.map((t) => {
        const mapped = rewired.get(t.id);
        if (!mapped)
          throw new AnlError(
            'UNSUPPORTED',
            `layer ${layer.name} reads a tensor from outside the model's graph`,
          );
        return mapped;
      });
      const outputs = callLayer(hooks.replace(layer), layer, inputs, node.callArgs ?? {});
      node.outputTensors.forEach((t, i) => {
        let out = outputs[i];
        for (const next of asList(hooks.after(layer, i))) out = next.apply(out) as SymbolicTensor;
        rewired.set(t.id, out);
      });
    }
  }
  const newOutputs = model.outputs.map((t) => rewired.get(t.id)!);
  return functionalModel({ inputs: newInputs, outputs: newOutputs, name: model.name });
}

function asList(added: layers.Layer | readonly layers.Layer[] | null): readonly layers.Layer[] {
  if (added === null) return [];
  return Array.isArray(added) ? added : [added as layers.Layer];
}

function callLayer(
  replacement: layers.Layer | null,
  original: layers.Layer,
  inputs: SymbolicTensor[],
  callArgs: Record<string, unknown>,
): SymbolicTensor[] {
  if (replacement === null) {
    if (inputs.length !== 1) {
      throw new AnlError(
        'UNSUPPORTED',
        `cannot drop layer ${original.name}: it has ${inputs.length} inputs, not 1`,
      );
    }
    return inputs;
  }
  const out = replacement.apply(inputs.length === 1 ? inputs[0] : inputs, callArgs);
  return Array.isArray(out) ? (out as SymbolicTensor[]) : [out as SymbolicTensor];
}
