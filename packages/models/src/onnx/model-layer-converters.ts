import {
  ExportValue,
  hostWeights,
  type LayerConverter,
  singleInput,
  unsupportedLayer as unsupported,
  windowPads,
} from '@anl/onnx';

/**
 * @anl/models' `ShortcutPad` (ResNet "option A" shortcut): x[:, ::s, ::s, :], then zero channels
 * split evenly before and after. A strided Slice and a Pad, in whichever layout the input is.
 */
export const shortcutPadConverter: LayerConverter = (ctx) => {
  const { g, layer, config } = ctx;
  let x = singleInput(ctx);
  if (x.rank !== 4) throw unsupported(layer, `expected a rank-4 input, got rank ${x.rank}`);
  const strides = config.strides as number;
  const outChannels = config.outChannels as number;
  if (strides > 1) {
    const sliced = g.node(
      'Slice',
      [
        x.name,
        g.int64s(`${layer.name}/starts`, [0, 0]),
        g.int64s(`${layer.name}/ends`, [2 ** 31 - 1, 2 ** 31 - 1]),
        g.int64s(`${layer.name}/axes`, [x.onnxAxis(1), x.onnxAxis(2)]),
        g.int64s(`${layer.name}/steps`, [strides, strides]),
      ],
      `${layer.name}/subsample`,
    );
    x = x.derive(sliced, ctx.outputShapes[0]);
  }
  const extra = outChannels - (ctx.inputs[0].tfjsShape[3] as number);
  if (extra === 0) return [x];
  const begin = [0, 0, 0, 0];
  const end = [0, 0, 0, 0];
  begin[x.onnxAxis(3)] = Math.floor(extra / 2);
  end[x.onnxAxis(3)] = extra - Math.floor(extra / 2);
  const padded = g.node(
    'Pad',
    [x.name, g.int64s(`${layer.name}/pads`, [...begin, ...end])],
    `${layer.name}/Pad`,
  );
  return [x.derive(padded, ctx.outputShapes[0])];
};

/**
 * @anl/models' `WeightMap` (Amer & Maul): per pixel, sum_ci W[y, x, ci, co] * x[b, y, x, ci] (a
 * MatMul broadcast over the pixels), then a box filter of ones per output channel ('smoothing':
 * valid; 'unsharp': 2 m - box(m), same padding), plus a per-pixel bias.
 */
export const weightMapConverter: LayerConverter = (ctx) => {
  const { g, layer, config } = ctx;
  const input = singleInput(ctx).inTfjsLayout(g);
  if (input.rank !== 4) throw unsupported(layer, `expected a rank-4 input, got rank ${input.rank}`);
  const weights = hostWeights(layer);
  const [kernel] = weights;
  const [h, w, ci, co] = kernel.shape;
  const k = config.kernelSize as number;
  const variant = config.variant;
  if (variant !== 'smoothing' && variant !== 'unsharp')
    throw unsupported(layer, `variant ${String(variant)}`);
  // [B, H, W, 1, Ci] @ [H, W, Ci, Co] -> [B, H, W, 1, Co] -> [B, H, W, Co].
  const rows = g.node('Unsqueeze', [input.name, g.int64s(`${layer.name}/axis3`, [3])], `${layer.name}/rows`);
  const product = g.node(
    'MatMul',
    [rows, g.constant(`${layer.name}/W`, kernel.values, [h, w, ci, co])],
    `${layer.name}/MatMul`,
  );
  const summedName = g.node(
    'Squeeze',
    [product, g.int64s(`${layer.name}/squeeze_axis`, [3])],
    `${layer.name}/summed`,
  );
  const summed = new ExportValue(summedName, [null, h, w, co], 'tfjs').inNchw(g);
  const pads = windowPads(variant === 'smoothing' ? 'valid' : 'same', [h, w], [k, k], [1, 1], [1, 1])!;
  const box = g.node(
    'Conv',
    [summed.name, g.constant(`${layer.name}/box`, new Float32Array(co * k * k).fill(1), [co, 1, k, k])],
    `${layer.name}/box_filter`,
    [
      { name: 'kernel_shape', type: 'ints', value: [k, k] },
      { name: 'pads', type: 'ints', value: pads },
      { name: 'group', type: 'int', value: co },
    ],
  );
  let out = box;
  if (variant === 'unsharp') {
    const doubled = g.node('Add', [summed.name, summed.name], `${layer.name}/doubled`);
    out = g.node('Sub', [doubled, box], `${layer.name}/unsharp`);
  }
  const [, ho, wo] = ctx.outputShapes[0] as number[];
  if (config.useBias !== false) {
    // The bias is [Ho, Wo, Co] in tfjs order; channels-first it is [Co, Ho, Wo].
    const bias = weights[1].values;
    const chw = new Float32Array(bias.length);
    for (let y = 0; y < ho; y++)
      for (let x = 0; x < wo; x++)
        for (let c = 0; c < co; c++) chw[(c * ho + y) * wo + x] = bias[(y * wo + x) * co + c];
    out = g.node('Add', [out, g.constant(`${layer.name}/B`, chw, [co, ho, wo])], `${layer.name}/BiasAdd`);
  }
  return [new ExportValue(out, ctx.outputShapes[0], 'nchw')];
};
