import { brandClass, invalidArgument } from '@anl/core';
import { add, mul, type serialization, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, layers, type Shape } from '@tensorflow/tfjs-layers';
import { singleInput, uniqueLayerName } from './layer-utils';
import { checkPniSettings, type PniGranularity, PniSeedStream, pniUnitNoise } from './pni-unit-noise';
import type { Kwargs, LayerArgs } from './tfjs-layer-types';

export type { PniGranularity } from './pni-unit-noise';

export interface ParametricNoiseLayerArgs extends LayerArgs {
  /** Initial noise scale alpha (default 0.25, the PNI paper's). */
  alphaInit?: number;
  /**
   * Default `'layer'` (one alpha); `'channel'`: one per channel (last axis); `'element'`: one per
   * element of a sample (the input shape without the batch axis, which must be fully known).
   */
  granularity?: PniGranularity;
  /**
   * Keep the noise on at inference and inside attacks (default true): the PNI paper shows that
   * turning it off there loses the robustness. False makes the layer the identity at inference.
   */
  activeAtInference?: boolean;
  /** Seed of the noise stream (reproducible draws; saved with the model). Default: from Math.random. */
  seed?: number | null;
}

/**
 * Parametric Noise Injection on activations (PNI-A, SPEC.md): `h + alpha * N(0, std(h)^2)`, with a
 * trainable `alpha` (layer-, channel- or element-wise) and `std(h)` over the whole batch tensor
 * treated as a constant (no gradient flows through it); the noise is core's `pniNoise`. The noise is drawn anew on every call. Unlike `NoiseLayer` it needs no trainer:
 * `model.fit` learns alpha (train it with adversarial training, as the paper does; give alpha no
 * weight decay). It is part of the model, so `stripNoiseLayers` keeps it.
 */
export class ParametricNoiseLayer extends layers.Layer {
  static className = 'anl>ParametricNoise';
  readonly alphaInit: number;
  readonly granularity: PniGranularity;
  readonly activeAtInference: boolean;
  readonly seed: number | null;
  private alpha: LayerVariable | null = null;
  private readonly seeds: PniSeedStream;

  constructor(args: ParametricNoiseLayerArgs = {}) {
    const { alphaInit, granularity, activeAtInference, seed } = checkPniSettings(args);
    const { seed: _seed, ...layerArgs } = args;
    super({ ...layerArgs, name: args.name ?? uniqueLayerName('anl_parametric_noise') });
    this.alphaInit = alphaInit;
    this.granularity = granularity;
    this.activeAtInference = activeAtInference;
    this.seed = seed;
    this.seeds = new PniSeedStream(seed);
  }

  /** Restarts the noise stream from `seed`: the same forwards then draw the same noise again. */
  resetNoise(seed: number): void {
    this.seeds.reset(seed);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[shape.length - 1];
    if (this.granularity === 'channel' && (shape.length < 2 || channels == null)) {
      invalidArgument(
        `input shape of layer ${this.name}`,
        'a known last (channel) axis for channel-wise alpha',
        shape,
      );
    }
    const sample = shape.slice(1);
    if (this.granularity === 'element' && (sample.length === 0 || sample.some((d) => d == null))) {
      invalidArgument(
        `input shape of layer ${this.name}`,
        'a fully known sample shape for element-wise alpha',
        shape,
      );
    }
    const alphaShape =
      this.granularity === 'layer'
        ? [1]
        : this.granularity === 'channel'
          ? [channels as number]
          : (sample as number[]);
    this.alpha = this.addWeight(
      'alpha',
      alphaShape,
      'float32',
      initializers.constant({ value: this.alphaInit }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): serialization.ConfigDict {
    return {
      alphaInit: this.alphaInit,
      granularity: this.granularity,
      activeAtInference: this.activeAtInference,
      seed: this.seed,
      ...super.getConfig(),
    };
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const h = singleInput(inputs, this.name);
      if (kwargs.training !== true && !this.activeAtInference) return h;
      return add(h, mul(this.alpha!.read(), pniUnitNoise(h, this.seeds.next())));
    });
  }
}

// One class for `instanceof` even when the ESM and CJS builds are both loaded.
brandClass(ParametricNoiseLayer, '@anl/tfjs/ParametricNoiseLayer');

/** A `ParametricNoiseLayer` (PNI activation noise). */
export function parametricNoiseLayer(config: ParametricNoiseLayerArgs = {}): ParametricNoiseLayer {
  if (config === null || typeof config !== 'object') invalidArgument('config', 'an object', config);
  return new ParametricNoiseLayer(config);
}
