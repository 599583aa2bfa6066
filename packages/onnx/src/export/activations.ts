import type { ExportValue } from './export-value';
import type { OnnxGraphBuilder } from './onnx-graph-builder';

type ActivationBuilder = (g: OnnxGraphBuilder, x: ExportValue, hint: string) => string;

const unary =
  (opType: string): ActivationBuilder =>
  (g, x, hint) =>
    g.node(opType, [x.name], hint);

/** tfjs activation class names (as `getConfig().activation` gives them) and their ONNX form. */
const ACTIVATIONS: Record<string, ActivationBuilder> = {
  relu: unary('Relu'),
  relu6: (g, x, hint) =>
    g.node('Clip', [x.name, g.constant(`${hint}/min`, [0], []), g.constant(`${hint}/max`, [6], [])], hint),
  sigmoid: unary('Sigmoid'),
  // tfjs: clip(0.2 x + 0.5, 0, 1), ONNX HardSigmoid's defaults are the same alpha and beta.
  hardSigmoid: (g, x, hint) =>
    g.node('HardSigmoid', [x.name], hint, [
      { name: 'alpha', type: 'float', value: 0.2 },
      { name: 'beta', type: 'float', value: 0.5 },
    ]),
  tanh: unary('Tanh'),
  elu: (g, x, hint) => g.node('Elu', [x.name], hint, [{ name: 'alpha', type: 'float', value: 1 }]),
  selu: unary('Selu'),
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  softmax: (g, x, hint) =>
    g.node('Softmax', [x.name], hint, [{ name: 'axis', type: 'int', value: x.onnxAxis(-1) }]),
  logSoftmax: (g, x, hint) =>
    g.node('LogSoftmax', [x.name], hint, [{ name: 'axis', type: 'int', value: x.onnxAxis(-1) }]),
  swish: (g, x, hint) => g.node('Mul', [x.name, g.node('Sigmoid', [x.name], `${hint}/sigmoid`)], hint),
  mish: (g, x, hint) => {
    const softplus = g.node('Softplus', [x.name], `${hint}/softplus`);
    return g.node('Mul', [x.name, g.node('Tanh', [softplus], `${hint}/tanh`)], hint);
  },
  // tfjs 'gelu' is the exact form x * Φ(x) = x * 0.5 * (1 + erf(x / √2)).
  gelu: (g, x, hint) => {
    const scaled = g.node(
      'Mul',
      [x.name, g.constant(`${hint}/inv_sqrt2`, [Math.SQRT1_2], [])],
      `${hint}/scaled`,
    );
    const erf = g.node('Erf', [scaled], `${hint}/erf`);
    const onePlus = g.node('Add', [erf, g.constant(`${hint}/one`, [1], [])], `${hint}/one_plus`);
    const half = g.node('Mul', [x.name, g.constant(`${hint}/half`, [0.5], [])], `${hint}/half_x`);
    return g.node('Mul', [half, onePlus], hint);
  },
};

/** The names `applyActivation` accepts. */
export const SUPPORTED_ACTIVATIONS: readonly string[] = ['linear', ...Object.keys(ACTIVATIONS)];

/** Whether `name` is an activation `applyActivation` can write. */
export function isSupportedActivation(name: unknown): name is string {
  return typeof name === 'string' && (name === 'linear' || name in ACTIVATIONS);
}

/** `x` passed through the tfjs activation `name` (layout kept: softmax axes follow it). */
export function applyActivation(
  g: OnnxGraphBuilder,
  x: ExportValue,
  name: string,
  hint: string,
): ExportValue {
  if (name === 'linear') return x;
  const build = ACTIVATIONS[name];
  if (!build) throw new Error(`applyActivation: unknown activation ${name}`);
  return x.derive(build(g, x, hint));
}
