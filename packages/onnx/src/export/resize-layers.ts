import {
  type LayerConverter,
  pair,
  requireChannelsLast,
  singleInput,
  unsupported,
} from './converter-context';
import { ExportValue } from './export-value';

/**
 * UpSampling2D as ONNX Resize (NCHW). tfjs resizes without aligned corners or half-pixel centres:
 * source = destination / scale, floored for 'nearest', which is Resize's 'asymmetric' mapping.
 */
const upSampling2d: LayerConverter = (ctx) => {
  requireChannelsLast(ctx);
  const { g, layer, config } = ctx;
  const input = singleInput(ctx);
  if (input.rank !== 4) throw unsupported(layer, `expected a rank-4 input, got rank ${input.rank}`);
  const [sh, sw] = pair(config.size, 2);
  const interpolation = config.interpolation ?? 'nearest';
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw unsupported(layer, `interpolation ${String(interpolation)}`);
  }
  const x = input.inNchw(g);
  const scales = g.constant(`${layer.name}/scales`, [1, 1, sh, sw], [4]);
  const y = g.node('Resize', [x.name, '', scales], `${layer.name}/Resize`, [
    { name: 'mode', type: 'string', value: interpolation === 'nearest' ? 'nearest' : 'linear' },
    { name: 'coordinate_transformation_mode', type: 'string', value: 'asymmetric' },
    { name: 'nearest_mode', type: 'string', value: 'floor' },
  ]);
  return [new ExportValue(y, ctx.outputShapes[0], 'nchw')];
};

/** Cropping2D as a Slice of the two spatial axes, in whichever layout the input is. */
const cropping2d: LayerConverter = (ctx) => {
  requireChannelsLast(ctx);
  const { g, layer } = ctx;
  const x = singleInput(ctx);
  if (x.rank !== 4) throw unsupported(layer, `expected a rank-4 input, got rank ${x.rank}`);
  const [[top, bottom], [left, right]] = ctx.config.cropping as [[number, number], [number, number]];
  // A negative end counts from the end; "to the end" needs a large end, not -0.
  const end = (crop: number) => (crop === 0 ? 2 ** 31 - 1 : -crop);
  const y = g.node(
    'Slice',
    [
      x.name,
      g.int64s(`${layer.name}/starts`, [top, left]),
      g.int64s(`${layer.name}/ends`, [end(bottom), end(right)]),
      g.int64s(`${layer.name}/axes`, [x.onnxAxis(1), x.onnxAxis(2)]),
    ],
    `${layer.name}/Slice`,
  );
  return [x.derive(y, ctx.outputShapes[0])];
};

export const RESIZE_CONVERTERS: Record<string, LayerConverter> = {
  UpSampling2D: upSampling2d,
  Cropping2D: cropping2d,
};
