import {
  type LayerConverter,
  pair,
  requireChannelsLast,
  singleInput,
  unsupported,
} from './converter-context';
import { windowPads } from './convolution-layers';
import { ExportValue } from './export-value';

/** MaxPool / AveragePool (NCHW). tfjs's average pooling leaves padding out of the count, as ONNX's default. */
function pooling(opType: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (ctx) => {
    requireChannelsLast(ctx);
    const { g, layer, config } = ctx;
    const input = singleInput(ctx);
    if (input.rank !== 4) throw unsupported(layer, `expected a rank-4 input, got rank ${input.rank}`);
    const kernel = pair(config.poolSize, 2);
    const strides = config.strides == null ? kernel : pair(config.strides, 1);
    const pads = windowPads(config.padding, input.tfjsShape.slice(1, 3), kernel, strides, [1, 1]);
    if (pads === null)
      throw unsupported(layer, `padding ${String(config.padding)} with input shape [${input.tfjsShape}]`);
    const attributes = [
      { name: 'kernel_shape', type: 'ints', value: kernel },
      { name: 'strides', type: 'ints', value: strides },
      { name: 'pads', type: 'ints', value: pads },
    ] as const;
    const y = g.node(opType, [input.inNchw(g).name], `${layer.name}/${opType}`, [
      ...attributes,
      ...(opType === 'AveragePool' ? [{ name: 'count_include_pad', type: 'int' as const, value: 0 }] : []),
    ]);
    return [new ExportValue(y, ctx.outputShapes[0], 'nchw')];
  };
}

/** Mean or max over the spatial axes, wherever they are in the input's layout. */
function globalPooling(opType: 'ReduceMean' | 'ReduceMax'): LayerConverter {
  return (ctx) => {
    requireChannelsLast(ctx);
    const input = singleInput(ctx);
    if (input.rank !== 4) throw unsupported(ctx.layer, `expected a rank-4 input, got rank ${input.rank}`);
    if (ctx.config.keepDims === true) throw unsupported(ctx.layer, 'keepDims: true');
    const y = ctx.g.node(opType, [input.name], `${ctx.layer.name}/${opType}`, [
      { name: 'axes', type: 'ints', value: [input.onnxAxis(1), input.onnxAxis(2)] },
      { name: 'keepdims', type: 'int', value: 0 },
    ]);
    return [new ExportValue(y, ctx.outputShapes[0], 'tfjs')];
  };
}

export const POOLING_CONVERTERS: Record<string, LayerConverter> = {
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  GlobalAveragePooling2D: globalPooling('ReduceMean'),
  GlobalMaxPooling2D: globalPooling('ReduceMax'),
};
