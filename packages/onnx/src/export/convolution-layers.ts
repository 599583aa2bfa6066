import { applyActivation } from './activations';
import {
  activationOf,
  type ConvertContext,
  hostWeights,
  type LayerConverter,
  pair,
  requireChannelsLast,
  singleInput,
  unsupported,
} from './converter-context';
import { ExportValue } from './export-value';

/**
 * ONNX `pads` ([top, left, bottom, right]) for tfjs padding of one 2-D window op. 'same' is
 * TensorFlow's rule: the output has ceil(in / stride) positions and an odd total pad puts the
 * extra row or column at the end.
 */
export function windowPads(
  padding: unknown,
  inputHw: readonly (number | null)[],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
): number[] | null {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') return null;
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const size = inputHw[i];
    if (size == null) return null;
    const effective = (kernel[i] - 1) * dilations[i] + 1;
    const out = Math.ceil(size / strides[i]);
    const total = Math.max((out - 1) * strides[i] + effective - size, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [...begin, ...end];
}

interface ConvSpec {
  readonly weight: Float32Array;
  readonly weightShape: readonly number[];
  readonly bias: Float32Array | null;
  readonly group: number;
  readonly kernel: [number, number];
}

/** One ONNX Conv (NCHW) for a channels-last tfjs conv layer, then its activation. */
function convolution(ctx: ConvertContext, spec: ConvSpec, applyLayerActivation = true): ExportValue {
  requireChannelsLast(ctx);
  const { g, layer, config } = ctx;
  const input = singleInput(ctx);
  if (input.rank !== 4) throw unsupported(layer, `expected a rank-4 input, got rank ${input.rank}`);
  const strides = pair(config.strides, 1);
  const dilations = pair(config.dilationRate, 1);
  const pads = windowPads(config.padding, input.tfjsShape.slice(1, 3), spec.kernel, strides, dilations);
  if (pads === null) {
    throw unsupported(layer, `padding ${String(config.padding)} with input shape [${input.tfjsShape}]`);
  }
  const x = input.inNchw(g);
  const inputs = [x.name, g.constant(`${layer.name}/W`, spec.weight, spec.weightShape)];
  if (spec.bias) inputs.push(g.constant(`${layer.name}/B`, spec.bias, [spec.bias.length]));
  const y = g.node('Conv', inputs, `${layer.name}/Conv`, [
    { name: 'kernel_shape', type: 'ints', value: spec.kernel },
    { name: 'strides', type: 'ints', value: strides },
    { name: 'dilations', type: 'ints', value: dilations },
    { name: 'pads', type: 'ints', value: pads },
    { name: 'group', type: 'int', value: spec.group },
  ]);
  const out = new ExportValue(y, ctx.outputShapes[0], 'nchw');
  return applyLayerActivation ? applyActivation(g, out, activationOf(ctx), `${layer.name}/activation`) : out;
}

/** tfjs [kh, kw, in, out] kernel -> ONNX [out, in, kh, kw]. */
function convKernel(w: { shape: readonly number[]; values: Float32Array }): Float32Array {
  const [kh, kw, ci, co] = w.shape;
  const out = new Float32Array(w.values.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++)
          out[((o * ci + c) * kh + i) * kw + j] = w.values[((i * kw + j) * ci + c) * co + o];
  return out;
}

/**
 * tfjs depthwise [kh, kw, in, multiplier] kernel -> ONNX grouped-conv [in * multiplier, 1, kh, kw];
 * tfjs orders the outputs channel-major (output c * multiplier + m), as grouped Conv does.
 */
function depthwiseKernel(w: { shape: readonly number[]; values: Float32Array }): Float32Array {
  const [kh, kw, ci, m] = w.shape;
  const out = new Float32Array(w.values.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < ci; c++)
        for (let k = 0; k < m; k++)
          out[((c * m + k) * kh + i) * kw + j] = w.values[((i * kw + j) * ci + c) * m + k];
  return out;
}

const conv2d: LayerConverter = (ctx) => {
  const [kernel, bias] = hostWeights(ctx.layer);
  const [kh, kw, ci, co] = kernel.shape;
  return [
    convolution(ctx, {
      weight: convKernel(kernel),
      weightShape: [co, ci, kh, kw],
      bias: ctx.config.useBias === false ? null : bias.values,
      group: 1,
      kernel: [kh, kw],
    }),
  ];
};

const depthwiseConv2d: LayerConverter = (ctx) => {
  const [kernel, bias] = hostWeights(ctx.layer);
  const [kh, kw, ci, m] = kernel.shape;
  return [
    convolution(ctx, {
      weight: depthwiseKernel(kernel),
      weightShape: [ci * m, 1, kh, kw],
      bias: ctx.config.useBias === false ? null : bias.values,
      group: ci,
      kernel: [kh, kw],
    }),
  ];
};

/** Depthwise conv (no bias, no activation) then a 1x1 conv with the bias and activation. */
const separableConv2d: LayerConverter = (ctx) => {
  const [depthwise, pointwise, bias] = hostWeights(ctx.layer);
  const [kh, kw, ci, m] = depthwise.shape;
  const [, , pi, co] = pointwise.shape;
  const mid = convolution(
    { ...ctx, outputShapes: [[null, null, null, ci * m]] },
    {
      weight: depthwiseKernel(depthwise),
      weightShape: [ci * m, 1, kh, kw],
      bias: null,
      group: ci,
      kernel: [kh, kw],
    },
    false,
  );
  const x = mid.inNchw(ctx.g);
  const inputs = [
    x.name,
    ctx.g.constant(`${ctx.layer.name}/pointwise_W`, convKernel(pointwise), [co, pi, 1, 1]),
  ];
  if (ctx.config.useBias !== false) inputs.push(ctx.g.constant(`${ctx.layer.name}/B`, bias.values, [co]));
  const y = ctx.g.node('Conv', inputs, `${ctx.layer.name}/pointwise`, [
    { name: 'kernel_shape', type: 'ints', value: [1, 1] },
  ]);
  const out = new ExportValue(y, ctx.outputShapes[0], 'nchw');
  return [applyActivation(ctx.g, out, activationOf(ctx), `${ctx.layer.name}/activation`)];
};

export const CONVOLUTION_CONVERTERS: Record<string, LayerConverter> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
};
