import {
  add,
  conv2d,
  engine,
  matMul,
  reshape,
  sum,
  type Tensor,
  type Tensor4D,
  tidy,
  transpose,
} from '@tensorflow/tfjs-core';
import { LayersModel, type layers } from '@tensorflow/tfjs-layers';
import type { FirstLayerReuse } from './first-layer-reuse';

/**
 * Why this exists: tfjs-layers runs Dense and Conv2D through `tf.fused.matMul` / `tf.fused.conv2d`,
 * and while a gradient is being taken it keeps them fused whenever the activation is linear (a
 * Dense with softmax or tanh counts as linear there, the activation runs after). A fused op is a
 * `customGrad` whose gradient computes EVERY input's gradient at once, so a backward pass that only
 * wants dJ/dh at the noise points (ANL round 1) would still run Conv2DBackpropFilter and the weight
 * MatMul of every layer downstream of a noise point, and a weight pass would still run the input
 * gradient of the first layer. The plain ops (`conv2d`, `matMul`, `add`) have one gradient per
 * input, which tfjs only evaluates for inputs on a path from a gradient source.
 *
 * So during a pass the trainer swaps these layers' `call` for the same computation with plain ops
 * and restores it after. Layers this does not cover exactly (Dense on rank > 2 inputs, causal or
 * dilated-and-strided convolutions, other layer types) keep their own `call`.
 *
 * With `reuse`, a Dense or Conv2D fed straight from the batch goes through it (see
 * `FirstLayerReuse`): ANL's second round takes the first layer's output from its first round.
 */
export function withUnfusedLayerCalls<R>(model: LayersModel, fn: () => R, reuse?: FirstLayerReuse): R {
  const restore: (() => void)[] = [];
  try {
    for (const layer of allLayers(model)) {
      const unfused = unfusedCallFor(layer, reuse);
      if (unfused === null) continue;
      const own = Object.hasOwn(layer, 'call');
      const original = layer.call;
      layer.call = unfused;
      restore.push(() => {
        if (own) layer.call = original;
        else delete (layer as { call?: unknown }).call;
      });
    }
    return fn();
  } finally {
    for (const undo of restore) undo();
  }
}

function allLayers(model: LayersModel): layers.Layer[] {
  const out: layers.Layer[] = [];
  const visit = (list: layers.Layer[]) => {
    for (const layer of list) {
      if (layer instanceof LayersModel) visit(layer.layers);
      else out.push(layer);
    }
  };
  visit(model.layers);
  return out;
}

/** The fields of tfjs-layers' Dense and Conv2D we read (protected in their typings). */
interface WeightLayerFields {
  kernel: { read(): Tensor };
  bias: { read(): Tensor } | null;
  activation: { apply(x: Tensor): Tensor } | null;
  invokeCallHook?: (inputs: unknown, kwargs: unknown) => void;
  strides?: number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number | number[];
  rank?: number;
}

type LayerCall = layers.Layer['call'];

function unfusedCallFor(layer: layers.Layer, reuse: FirstLayerReuse | undefined): LayerCall | null {
  const className = layer.getClassName();
  const fields = layer as unknown as WeightLayerFields;
  if (className === 'Dense') return unfusedDense(layer, fields, reuse);
  if (className === 'Conv2D' && fields.rank === 2) return unfusedConv2d(layer, fields, reuse);
  return null;
}

function single(inputs: Tensor | Tensor[]): Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

function activate(fields: WeightLayerFields, y: Tensor): Tensor {
  return fields.activation === null ? y : fields.activation.apply(y);
}

/** The bias gradient tfjs's Add gives: dy summed over every axis but the last, in the bias's shape. */
function biasGradient(dy: Tensor, bias: Tensor): Tensor {
  return reshape(
    sum(
      dy,
      Array.from({ length: dy.rank - 1 }, (_, i) => i),
    ),
    bias.shape,
  );
}

function unfusedDense(layer: layers.Layer, fields: WeightLayerFields, reuse?: FirstLayerReuse): LayerCall {
  const original = layer.call.bind(layer);
  return (inputs, kwargs) => {
    const x = single(inputs);
    if (x.rank !== 2) return original(inputs, kwargs);
    return tidy(() => {
      fields.invokeCallHook?.call(layer, inputs, kwargs);
      const kernel = fields.kernel.read();
      const bias = fields.bias === null ? null : fields.bias.read();
      const compute = () => (bias === null ? matMul(x, kernel) : add(matMul(x, kernel), bias));
      if (reuse === undefined) return activate(fields, compute());
      // matMul's gradient for its second input, and Add's for the bias.
      const z = reuse.linear(layer, x, kernel, bias, compute, (dy) => [
        matMul(x, dy, true, false),
        bias === null ? null : biasGradient(dy, bias),
      ]);
      return activate(fields, z);
    });
  };
}

function unfusedConv2d(layer: layers.Layer, fields: WeightLayerFields, reuse?: FirstLayerReuse): LayerCall {
  const original = layer.call.bind(layer);
  const strides = fields.strides as [number, number];
  const dilations = (
    typeof fields.dilationRate === 'number' ? [fields.dilationRate, fields.dilationRate] : fields.dilationRate
  ) as [number, number];
  const pad = fields.padding === 'same' ? 'same' : 'valid';
  const supported =
    (fields.padding === 'same' || fields.padding === 'valid') &&
    (fields.dataFormat === 'channelsLast' || fields.dataFormat === 'channelsFirst');
  const reusable =
    reuse !== undefined && fields.dataFormat === 'channelsLast' && dilations.every((d) => d === 1);
  return (inputs, kwargs) => {
    const x = single(inputs);
    if (!supported || x.rank !== 4) return original(inputs, kwargs);
    return tidy(() => {
      const kernel = fields.kernel.read() as Tensor4D;
      const bias = fields.bias === null ? null : fields.bias.read();
      const channelsFirst = fields.dataFormat === 'channelsFirst';
      const compute = () => {
        const nhwc = channelsFirst ? transpose(x, [0, 2, 3, 1]) : x;
        let y: Tensor = conv2d(nhwc as Tensor4D, kernel, strides, pad, 'NHWC', dilations);
        if (bias !== null) y = add(y, bias);
        return channelsFirst ? transpose(y, [0, 3, 1, 2]) : y;
      };
      if (!reusable) return activate(fields, compute());
      // Conv2D's gradient for its filter (the kernel its own gradient runs), and Add's for the bias.
      const z = reuse.linear(layer, x, kernel, bias, compute, (dy) => [
        engine().runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides, pad, dataFormat: 'NHWC', filterShape: kernel.shape },
        ) as Tensor,
        bias === null ? null : biasGradient(dy, bias),
      ]);
      return activate(fields, z);
    });
  };
}
