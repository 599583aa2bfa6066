import { DEFAULT_NOISE_METHOD } from '@anl/core';
import { noiseLayer } from '@anl/tfjs';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ResolvedOptions } from './model-options';

type SymbolicTensor = tfl.SymbolicTensor;
type Initializer = ReturnType<typeof tfl.initializers.heNormal>;

/**
 * Small helper the builders share: numbered layer names, and noise layers put where the options
 * say (after conv, or after BN before ReLU). Keeps the architecture files about architecture.
 */
export class NetBuilder {
  readonly input: SymbolicTensor;
  private readonly counts = new Map<string, number>();
  private initCount = 0;

  constructor(readonly options: ResolvedOptions) {
    this.input = tfl.input({ shape: options.inputShape, name: `${options.name}_input` });
  }

  /** `${prefix}${n}` unique within this model. */
  name(prefix: string): string {
    const n = (this.counts.get(prefix) ?? 0) + 1;
    this.counts.set(prefix, n);
    return `${prefix}${n}`;
  }

  /** A fresh seed for the next initialiser (distinct per layer), or undefined when unseeded. */
  nextSeed(): number | undefined {
    const { seed } = this.options;
    this.initCount++;
    return seed === undefined ? undefined : seed * 10007 + this.initCount;
  }

  /** He-normal initialiser (ReLU nets), seeded when the model is. */
  heNormal(): Initializer {
    return tfl.initializers.heNormal({ seed: this.nextSeed() });
  }

  /** Glorot-uniform initialiser (tfjs's Dense default), seeded when the model is. */
  glorotUniform(): Initializer {
    return tfl.initializers.glorotUniform({ seed: this.nextSeed() });
  }

  /** The input, behind a noise layer when `noise.input` is set. */
  start(): SymbolicTensor {
    const { noise } = this.options;
    return noise !== false && noise.input ? this.noise(this.input, 'input_noise') : this.input;
  }

  noise(x: SymbolicTensor, name = this.name('noise')): SymbolicTensor {
    const { noise } = this.options;
    return noiseLayer({ method: noise ? noise.method : DEFAULT_NOISE_METHOD, name }).apply(
      x,
    ) as SymbolicTensor;
  }

  /** Noise here if the placement is `where`. */
  noiseIf(where: 'conv' | 'batchnorm', x: SymbolicTensor): SymbolicTensor {
    const { noise } = this.options;
    return noise && noise.after === where ? this.noise(x) : x;
  }

  conv(
    x: SymbolicTensor,
    filters: number,
    kernelSize: number,
    options: { strides?: number; padding?: 'same' | 'valid'; useBias?: boolean; name?: string } = {},
  ): SymbolicTensor {
    const y = tfl.layers
      .conv2d({
        filters,
        kernelSize,
        strides: options.strides ?? 1,
        padding: options.padding ?? 'same',
        useBias: options.useBias ?? true,
        kernelInitializer: this.heNormal(),
        name: options.name ?? this.name('conv'),
      })
      .apply(x) as SymbolicTensor;
    return this.noiseIf('conv', y);
  }

  depthwise(x: SymbolicTensor, strides: number): SymbolicTensor {
    const y = tfl.layers
      .depthwiseConv2d({
        kernelSize: 3,
        strides,
        padding: 'same',
        useBias: false,
        depthwiseInitializer: this.heNormal(),
        name: this.name('dwconv'),
      })
      .apply(x) as SymbolicTensor;
    return this.noiseIf('conv', y);
  }

  bn(x: SymbolicTensor): SymbolicTensor {
    // momentum 0.9 / epsilon 1e-5 = PyTorch's BatchNorm2d defaults (momentum 0.1 there).
    const y = tfl.layers
      .batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: this.name('bn') })
      .apply(x) as SymbolicTensor;
    return this.noiseIf('batchnorm', y);
  }

  relu(x: SymbolicTensor): SymbolicTensor {
    return tfl.layers.reLU({ name: this.name('relu') }).apply(x) as SymbolicTensor;
  }

  /** conv -> BN -> ReLU, noise where placed. */
  convBnRelu(x: SymbolicTensor, filters: number, kernelSize: number, strides = 1): SymbolicTensor {
    return this.relu(this.bn(this.conv(x, filters, kernelSize, { strides, useBias: false })));
  }

  add(a: SymbolicTensor, b: SymbolicTensor): SymbolicTensor {
    return tfl.layers.add({ name: this.name('add') }).apply([a, b]) as SymbolicTensor;
  }

  globalAvgPool(x: SymbolicTensor): SymbolicTensor {
    return tfl.layers.globalAveragePooling2d({ name: this.name('gap') }).apply(x) as SymbolicTensor;
  }

  /** Hidden FC layers (ReLU, dropout between) then the logits layer. */
  classifier(x: SymbolicTensor, hidden: readonly number[] = []): SymbolicTensor {
    let y = x;
    if (y.shape.length > 2) y = tfl.layers.flatten({ name: this.name('flatten') }).apply(y) as SymbolicTensor;
    for (const units of hidden) {
      y = tfl.layers
        .dense({ units, kernelInitializer: this.glorotUniform(), name: this.name('fc') })
        .apply(y) as SymbolicTensor;
      y = this.relu(y);
      if (this.options.dropout > 0) {
        y = tfl.layers
          .dropout({ rate: this.options.dropout, name: this.name('dropout') })
          .apply(y) as SymbolicTensor;
      }
    }
    const activation = this.options.output === 'softmax' ? 'softmax' : 'linear';
    return tfl.layers
      .dense({
        units: this.options.numClasses,
        activation,
        kernelInitializer: this.glorotUniform(),
        name: 'predictions',
      })
      .apply(y) as SymbolicTensor;
  }

  /** The model; its output is probabilities or logits as `options.output` says. */
  build(output: SymbolicTensor): tfl.LayersModel {
    return tfl.model({ inputs: this.input, outputs: output, name: this.options.name });
  }
}
