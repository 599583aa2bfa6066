import { type ConvertContext, type LayerConverter, unsupported } from './converter-context';
import type { ExportValue } from './export-value';

/** The inputs in one layout: kept channels-first when all already are, tfjs order otherwise. */
function commonLayout(ctx: ConvertContext): ExportValue[] {
  const { inputs, g } = ctx;
  if (inputs.length < 2) throw unsupported(ctx.layer, `expected at least 2 inputs, got ${inputs.length}`);
  const rank = inputs[0].rank;
  if (inputs.some((x) => x.rank !== rank)) {
    throw unsupported(
      ctx.layer,
      `inputs of ranks ${inputs.map((x) => x.rank).join(', ')} (equal ranks only)`,
    );
  }
  if (inputs.every((x) => x.layout === 'nchw')) return [...inputs];
  return inputs.map((x) => x.inTfjsLayout(g));
}

/** An element-wise merge: `variadic` ONNX ops take every input at once, others are chained. */
function elementwise(opType: string, variadic: boolean): LayerConverter {
  return (ctx) => {
    const xs = commonLayout(ctx);
    const hint = `${ctx.layer.name}/${opType}`;
    if (variadic)
      return [
        xs[0].derive(
          ctx.g.node(
            opType,
            xs.map((x) => x.name),
            hint,
          ),
          ctx.outputShapes[0],
        ),
      ];
    let y = xs[0].name;
    for (let i = 1; i < xs.length; i++) y = ctx.g.node(opType, [y, xs[i].name], hint);
    return [xs[0].derive(y, ctx.outputShapes[0])];
  };
}

const concatenate: LayerConverter = (ctx) => {
  const xs = commonLayout(ctx);
  const axis = (ctx.config.axis as number | undefined) ?? -1;
  const y = ctx.g.node(
    'Concat',
    xs.map((x) => x.name),
    `${ctx.layer.name}/Concat`,
    [{ name: 'axis', type: 'int', value: xs[0].onnxAxis(axis) }],
  );
  return [xs[0].derive(y, ctx.outputShapes[0])];
};

export const MERGE_CONVERTERS: Record<string, LayerConverter> = {
  Add: elementwise('Sum', true),
  Multiply: elementwise('Mul', false),
  Average: elementwise('Mean', true),
  Maximum: elementwise('Max', true),
  Minimum: elementwise('Min', true),
  Concatenate: concatenate,
};
