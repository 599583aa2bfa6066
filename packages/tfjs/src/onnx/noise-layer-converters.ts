import { hostWeights, type LayerConverter, singleInput } from '@anl/onnx';

/**
 * @anl/tfjs's `ParametricNoiseLayer` (PNI): `h + alpha * std(h) * N(0, 1)`, std over the whole
 * tensor. With `activeAtInference` (its default) the exported graph draws fresh noise on every run
 * (RandomNormalLike, unseeded), like tfjs; otherwise it is the identity, like tfjs at inference.
 * onnxruntime starts every new session from the same default random state, so the first run of
 * each session draws the same noise.
 */
export const parametricNoiseConverter: LayerConverter = (ctx) => {
  const x = singleInput(ctx);
  if (ctx.config.activeAtInference === false) return [x];
  const { g, layer } = ctx;
  const h = x.inTfjsLayout(g);
  const [alpha] = hostWeights(layer);
  const mean = g.node('ReduceMean', [h.name], `${layer.name}/mean`, [
    { name: 'keepdims', type: 'int', value: 1 },
  ]);
  const centred = g.node('Sub', [h.name, mean], `${layer.name}/centred`);
  const squared = g.node('Mul', [centred, centred], `${layer.name}/squared`);
  const variance = g.node('ReduceMean', [squared], `${layer.name}/variance`, [
    { name: 'keepdims', type: 'int', value: 0 },
  ]);
  const std = g.node('Sqrt', [variance], `${layer.name}/std`);
  const normal = g.node('RandomNormalLike', [h.name], `${layer.name}/normal`, [
    { name: 'dtype', type: 'int', value: 1 },
  ]);
  // alpha is [1] (layer-wise) or [C] (per channel, the last axis): both broadcast against tfjs order.
  const scale = g.node(
    'Mul',
    [g.constant(`${layer.name}/alpha`, alpha.values, alpha.shape), std],
    `${layer.name}/scale`,
  );
  const noise = g.node('Mul', [normal, scale], `${layer.name}/noise`);
  return [h.derive(g.node('Add', [h.name, noise], `${layer.name}/Add`))];
};

/** `NoiseLayer` is the identity outside training: exporting skips it, as `stripNoiseLayers` would. */
export const noiseLayerConverter: LayerConverter = (ctx) => [singleInput(ctx)];
