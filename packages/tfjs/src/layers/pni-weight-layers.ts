import { brandClass, invalidArgument } from '@anl/core';
import {
  add,
  conv2d,
  matMul,
  mul,
  reshape,
  type serialization,
  type Tensor,
  type Tensor4D,
  tidy,
} from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, layers, type Shape } from '@tensorflow/tfjs-layers';
import { singleInput, uniqueLayerName } from './layer-utils';
import { checkPniSettings, type PniGranularity, PniSeedStream, pniUnitNoise } from './pni-unit-noise';
import type { Kwargs, LayerArgs } from './tfjs-layer-types';

/** The PNI settings of a weight layer (PNI-W). */
export interface PniWeightArgs {
  /** Initial noise scale alpha (default 0.25, the PNI paper's). Give alpha no weight decay. */
  alphaInit?: number;
  /**
   * `'layer'` (default): one alpha; `'channel'`: one per output channel / unit (the kernel's last
   * axis, the paper's `[out, 1, 1, 1]`); `'element'`: one per kernel element.
   */
  granularity?: PniGranularity;
  /** Keep the weight noise on at inference and inside attacks (default true, as in the paper). */
  activeAtInference?: boolean;
  /** Seed of the noise stream (reproducible draws; saved with the model). Default: from Math.random. */
  seed?: number | null;
}

/** Activations a PNI-W layer applies after its affine map: tfjs's own, by name. */
type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | 'elu'
  | 'selu'
  | 'softplus';

export interface PniDenseArgs extends LayerArgs, PniWeightArgs {
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
}

export interface PniConv2DArgs extends LayerArgs, PniWeightArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  dilationRate?: number | [number, number];
  activation?: ActivationName;
  useBias?: boolean;
}

function positiveInt(value: unknown, argument: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) invalidArgument(argument, 'an integer >= 1', value);
  return value as number;
}

function pairOf(value: unknown, argument: string, fallback: number): [number, number] {
  const v = value ?? fallback;
  const pair = Array.isArray(v) ? v : [v, v];
  if (pair.length !== 2) invalidArgument(argument, 'an integer >= 1 or a pair of them', value);
  return [positiveInt(pair[0], argument), positiveInt(pair[1], argument)];
}

/**
 * What PNI-W adds to a weight layer: the alpha variable, the seed stream, and the noisy kernel
 * `W + alpha · std(W) · ε` (ε ~ N(0, 1) drawn on every forward, std(W) detached).
 */
abstract class PniWeightLayer extends layers.Layer {
  readonly alphaInit: number;
  readonly granularity: PniGranularity;
  readonly activeAtInference: boolean;
  readonly seed: number | null;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  protected kernel: LayerVariable | null = null;
  protected bias: LayerVariable | null = null;
  protected alpha: LayerVariable | null = null;
  private readonly seeds: PniSeedStream;
  private readonly activationLayer: layers.Layer;

  constructor(args: LayerArgs & PniWeightArgs & { activation?: unknown; useBias?: unknown }, prefix: string) {
    const { alphaInit, granularity, activeAtInference, seed } = checkPniSettings(args);
    const activation = args.activation ?? 'linear';
    if (typeof activation !== 'string')
      invalidArgument('config.activation', 'an activation name', activation);
    const useBias = args.useBias ?? true;
    if (typeof useBias !== 'boolean') invalidArgument('config.useBias', 'a boolean', useBias);
    const {
      alphaInit: _a,
      granularity: _g,
      activeAtInference: _i,
      seed: _s,
      activation: _act,
      useBias: _b,
      ...layerArgs
    } = args as Record<string, unknown>;
    super({ ...(layerArgs as LayerArgs), name: args.name ?? uniqueLayerName(prefix) });
    this.alphaInit = alphaInit;
    this.granularity = granularity;
    this.activeAtInference = activeAtInference;
    this.seed = seed;
    this.activation = activation as ActivationName;
    this.useBias = useBias;
    this.seeds = new PniSeedStream(seed);
    // tfjs-layers does not export its activation lookup; its Activation layer resolves the name.
    this.activationLayer = layers.activation({
      activation: this.activation,
      name: `${this.name}_activation`,
    });
  }

  /** Restarts the noise stream from `seed`: the same forwards then draw the same noise again. */
  resetNoise(seed: number): void {
    this.seeds.reset(seed);
  }

  protected addPniWeights(kernelShape: number[], biasSize: number): void {
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', initializers.glorotUniform({}));
    if (this.useBias) this.bias = this.addWeight('bias', [biasSize], 'float32', initializers.zeros());
    const alphaShape =
      this.granularity === 'layer'
        ? [1]
        : this.granularity === 'channel'
          ? [kernelShape[kernelShape.length - 1]]
          : kernelShape;
    this.alpha = this.addWeight(
      'alpha',
      alphaShape,
      'float32',
      initializers.constant({ value: this.alphaInit }),
    );
    this.built = true;
  }

  /** The kernel this forward uses: noisy in training, and at inference unless turned off. */
  protected kernelForCall(kwargs: Kwargs): Tensor {
    const w = this.kernel!.read();
    if (kwargs.training !== true && !this.activeAtInference) return w;
    return add(w, mul(this.alpha!.read(), pniUnitNoise(w, this.seeds.next())));
  }

  protected finish(y: Tensor): Tensor {
    const biased = this.bias ? add(y, this.bias.read()) : y;
    return this.activationLayer.apply(biased) as Tensor;
  }

  protected pniConfig(): serialization.ConfigDict {
    return {
      activation: this.activation,
      useBias: this.useBias,
      alphaInit: this.alphaInit,
      granularity: this.granularity,
      activeAtInference: this.activeAtInference,
      seed: this.seed,
    };
  }
}

/**
 * Dense with Parametric Noise Injection on its kernel (PNI-W, SPEC.md): `y = x Ŵ + b`,
 * `Ŵ = W + alpha · std(W) · N(0, 1)`. Weights: kernel [in, units], bias [units] (if useBias), alpha.
 * Kernel initializer glorotUniform, bias zeros; convert a trained Dense with `toPniWeightModel`.
 */
export class PniDense extends PniWeightLayer {
  static className = 'anl>PniDense';
  readonly units: number;

  constructor(args: PniDenseArgs) {
    if (args === null || typeof args !== 'object') invalidArgument('config', 'an object', args);
    const units = positiveInt(args.units, 'config.units');
    const { units: _u, ...rest } = args;
    super(rest, 'anl_pni_dense');
    this.units = units;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inputDim = shape[shape.length - 1];
    if (inputDim == null) invalidArgument(`input shape of layer ${this.name}`, 'a known last axis', shape);
    this.addPniWeights([inputDim as number, this.units], this.units);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = singleInput(inputs, this.name);
      const w = this.kernelForCall(kwargs);
      // Dense acts on the last axis: flatten the leading ones for one matMul.
      const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
      const y = matMul(flat, w);
      return this.finish(x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]));
    });
  }

  override getConfig(): serialization.ConfigDict {
    return { units: this.units, ...this.pniConfig(), ...super.getConfig() };
  }
}

/**
 * Conv2D (channels-last) with Parametric Noise Injection on its kernel (PNI-W): the convolution of
 * x with `Ŵ = W + alpha · std(W) · N(0, 1)`, then bias and activation. Weights: kernel
 * [kh, kw, in, filters], bias [filters] (if useBias), alpha.
 */
export class PniConv2D extends PniWeightLayer {
  static className = 'anl>PniConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];

  constructor(args: PniConv2DArgs) {
    if (args === null || typeof args !== 'object') invalidArgument('config', 'an object', args);
    const filters = positiveInt(args.filters, 'config.filters');
    const kernelSize = pairOf(args.kernelSize, 'config.kernelSize', Number.NaN);
    const strides = pairOf(args.strides, 'config.strides', 1);
    const dilationRate = pairOf(args.dilationRate, 'config.dilationRate', 1);
    const padding = args.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same')
      invalidArgument('config.padding', "'valid' or 'same'", padding);
    if ((strides[0] > 1 || strides[1] > 1) && (dilationRate[0] > 1 || dilationRate[1] > 1)) {
      invalidArgument('config.strides', 'strides of 1 when dilationRate > 1 (tfjs conv2d)', args.strides);
    }
    const { filters: _f, kernelSize: _k, strides: _s, padding: _p, dilationRate: _d, ...rest } = args;
    const { dataFormat } = rest as { dataFormat?: unknown };
    if (dataFormat !== undefined && dataFormat !== 'channelsLast') {
      invalidArgument('config.dataFormat', "'channelsLast'", dataFormat);
    }
    const { dataFormat: _df, ...layerArgs } = rest as Record<string, unknown>;
    super(layerArgs as PniWeightArgs & LayerArgs, 'anl_pni_conv2d');
    this.filters = filters;
    this.kernelSize = kernelSize;
    this.strides = strides;
    this.padding = padding;
    this.dilationRate = dilationRate;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[3];
    if (shape.length !== 4 || channels == null) {
      invalidArgument(
        `input shape of layer ${this.name}`,
        '[batch, height, width, channels] with known channels',
        shape,
      );
    }
    this.addPniWeights([...this.kernelSize, channels as number, this.filters], this.filters);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const out = [1, 2].map((axis, i) => {
      const size = shape[axis];
      if (size == null) return null;
      const effective = (this.kernelSize[i] - 1) * this.dilationRate[i] + 1;
      const span = this.padding === 'same' ? size : size - effective + 1;
      return Math.ceil(span / this.strides[i]);
    });
    return [shape[0], out[0], out[1], this.filters];
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = singleInput(inputs, this.name) as Tensor4D;
      const w = this.kernelForCall(kwargs) as Tensor4D;
      return this.finish(conv2d(x, w, this.strides, this.padding, 'NHWC', this.dilationRate));
    });
  }

  override getConfig(): serialization.ConfigDict {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      dataFormat: 'channelsLast',
      ...this.pniConfig(),
      ...super.getConfig(),
    };
  }
}

// One class each for `instanceof` even when the ESM and CJS builds are both loaded.
brandClass(PniDense, '@anl/tfjs/PniDense');
brandClass(PniConv2D, '@anl/tfjs/PniConv2D');

/** A `PniDense` layer. */
export function pniDense(config: PniDenseArgs): PniDense {
  return new PniDense(config);
}

/** A `PniConv2D` layer. */
export function pniConv2d(config: PniConv2DArgs): PniConv2D {
  return new PniConv2D(config);
}
