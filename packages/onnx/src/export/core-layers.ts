import { applyActivation } from './activations';
import {
  activationOf,
  type ConvertContext,
  hostWeights,
  type LayerConverter,
  requireChannelsLast,
  singleInput,
  unsupported,
} from './converter-context';
import { ExportValue } from './export-value';

const identity: LayerConverter = (ctx) => [singleInput(ctx)];

/** y = x W + b on the last axis (MatMul broadcasts over leading axes, as tfjs Dense does). */
const dense: LayerConverter = (ctx) => {
  const { g, layer } = ctx;
  const x = singleInput(ctx).inTfjsLayout(g);
  const [kernel, bias] = hostWeights(layer);
  let y = g.node(
    'MatMul',
    [x.name, g.constant(`${layer.name}/W`, kernel.values, kernel.shape)],
    `${layer.name}/MatMul`,
  );
  if (ctx.config.useBias !== false) {
    y = g.node('Add', [y, g.constant(`${layer.name}/B`, bias.values, bias.shape)], `${layer.name}/BiasAdd`);
  }
  const out = new ExportValue(y, ctx.outputShapes[0], 'tfjs');
  return [applyActivation(g, out, activationOf(ctx), `${layer.name}/activation`)];
};

/** tfjs flattens in its own (channels-last) order, so the input goes back to that layout first. */
const flatten: LayerConverter = (ctx) => {
  requireChannelsLast(ctx);
  const x = singleInput(ctx).inTfjsLayout(ctx.g);
  if (x.rank <= 2) return [x];
  const y = ctx.g.node('Flatten', [x.name], `${ctx.layer.name}/Flatten`, [
    { name: 'axis', type: 'int', value: 1 },
  ]);
  return [new ExportValue(y, ctx.outputShapes[0], 'tfjs')];
};

const reshape: LayerConverter = (ctx) => {
  const x = singleInput(ctx).inTfjsLayout(ctx.g);
  const target = ctx.config.targetShape as number[];
  // Leading 0 copies the batch size (ONNX Reshape with allowzero = 0).
  const shape = ctx.g.int64s(`${ctx.layer.name}/shape`, [0, ...target]);
  const y = ctx.g.node('Reshape', [x.name, shape], `${ctx.layer.name}/Reshape`);
  return [new ExportValue(y, ctx.outputShapes[0], 'tfjs')];
};

const activation: LayerConverter = (ctx) => [
  applyActivation(ctx.g, singleInput(ctx), activationOf(ctx), `${ctx.layer.name}/activation`),
];

const relu: LayerConverter = (ctx) => {
  const { g, layer } = ctx;
  const x = singleInput(ctx);
  const maxValue = ctx.config.maxValue;
  if (maxValue == null) return [x.derive(g.node('Relu', [x.name], `${layer.name}/Relu`))];
  const lo = g.constant(`${layer.name}/min`, [0], []);
  const hi = g.constant(`${layer.name}/max`, [maxValue as number], []);
  return [x.derive(g.node('Clip', [x.name, lo, hi], `${layer.name}/Clip`))];
};

const leakyRelu: LayerConverter = (ctx) => {
  const x = singleInput(ctx);
  const alpha = (ctx.config.alpha as number | undefined) ?? 0.3;
  return [
    x.derive(
      ctx.g.node('LeakyRelu', [x.name], `${ctx.layer.name}/LeakyRelu`, [
        { name: 'alpha', type: 'float', value: alpha },
      ]),
    ),
  ];
};

const elu: LayerConverter = (ctx) => {
  const x = singleInput(ctx);
  const alpha = (ctx.config.alpha as number | undefined) ?? 1;
  return [
    x.derive(
      ctx.g.node('Elu', [x.name], `${ctx.layer.name}/Elu`, [{ name: 'alpha', type: 'float', value: alpha }]),
    ),
  ];
};

const softmax: LayerConverter = (ctx) => {
  const x = singleInput(ctx);
  const axis = ctx.config.axis ?? -1;
  if (typeof axis !== 'number') throw unsupported(ctx.layer, `axis ${JSON.stringify(axis)} (one axis only)`);
  return [
    x.derive(
      ctx.g.node('Softmax', [x.name], `${ctx.layer.name}/Softmax`, [
        { name: 'axis', type: 'int', value: x.onnxAxis(axis) },
      ]),
    ),
  ];
};

/**
 * Inference batch norm, `(x - mean) * gamma / sqrt(var + eps) + beta` in tfjs's order of operations,
 * with the per-channel vectors shaped to broadcast along the normalised axis in the input's layout.
 */
const batchNormalization: LayerConverter = (ctx) => {
  const { g, layer, config } = ctx;
  const x = singleInput(ctx);
  const axisConfig = config.axis ?? -1;
  const axis = Array.isArray(axisConfig) ? axisConfig : [axisConfig];
  if (axis.length !== 1 || typeof axis[0] !== 'number') {
    throw unsupported(layer, `axis ${JSON.stringify(axisConfig)} (one axis only)`);
  }
  const weights = hostWeights(layer);
  const gamma = config.scale === false ? null : weights.shift()!;
  const beta = config.center === false ? null : weights.shift()!;
  const [movingMean, movingVariance] = weights;
  const epsilon = (config.epsilon as number | undefined) ?? 1e-3;
  const channels = movingMean.values.length;
  const inv = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    inv[c] = (gamma ? gamma.values[c] : 1) / Math.sqrt(movingVariance.values[c] + epsilon);
  }
  const onnxAxis = x.onnxAxis(axis[0]);
  const vectorShape = [channels, ...new Array(x.rank - 1 - onnxAxis).fill(1)];
  const centred = g.node(
    'Sub',
    [x.name, g.constant(`${layer.name}/mean`, movingMean.values, vectorShape)],
    `${layer.name}/centred`,
  );
  let y = g.node(
    'Mul',
    [centred, g.constant(`${layer.name}/inv_std`, inv, vectorShape)],
    `${layer.name}/scaled`,
  );
  if (beta)
    y = g.node(
      'Add',
      [y, g.constant(`${layer.name}/beta`, beta.values, vectorShape)],
      `${layer.name}/shifted`,
    );
  return [x.derive(y)];
};

/** Zeros around the two spatial axes, in whichever layout the input is. */
const zeroPadding2d: LayerConverter = (ctx: ConvertContext) => {
  requireChannelsLast(ctx);
  const x = singleInput(ctx);
  if (x.rank !== 4) throw unsupported(ctx.layer, `expected a rank-4 input, got rank ${x.rank}`);
  const [[top, bottom], [left, right]] = normalisePadding(ctx.config.padding);
  const begin = [0, 0, 0, 0];
  const end = [0, 0, 0, 0];
  begin[x.onnxAxis(1)] = top;
  end[x.onnxAxis(1)] = bottom;
  begin[x.onnxAxis(2)] = left;
  end[x.onnxAxis(2)] = right;
  const pads = ctx.g.int64s(`${ctx.layer.name}/pads`, [...begin, ...end]);
  const y = ctx.g.node('Pad', [x.name, pads], `${ctx.layer.name}/Pad`);
  return [x.derive(y, ctx.outputShapes[0])];
};

function normalisePadding(padding: unknown): [[number, number], [number, number]] {
  if (typeof padding === 'number')
    return [
      [padding, padding],
      [padding, padding],
    ];
  const [a, b] = padding as (number | number[])[];
  const side = (p: number | number[]): [number, number] => (typeof p === 'number' ? [p, p] : [p[0], p[1]]);
  return [side(a), side(b)];
}

export const CORE_CONVERTERS: Record<string, LayerConverter> = {
  Dense: dense,
  Flatten: flatten,
  Reshape: reshape,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  ELU: elu,
  Softmax: softmax,
  BatchNormalization: batchNormalization,
  ZeroPadding2D: zeroPadding2d,
  // Identity at inference.
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
};
