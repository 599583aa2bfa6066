import { brandClass, invalidArgument } from '@anl/core';
import {
  add,
  customGrad,
  type GradSaveFunc,
  moments,
  mul,
  randomNormal,
  type serialization,
  sqrt,
  type Tensor,
  tidy,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, layers, type Shape } from '@tensorflow/tfjs-layers';
import { singleInput, uniqueLayerName } from './layer-utils';
import type { Kwargs, LayerArgs } from './tfjs-layer-types';

/** One alpha for the whole layer (the PNI paper's layer-wise setting) or one per channel (last axis). */
export type PniGranularity = 'layer' | 'channel';

export interface ParametricNoiseLayerArgs extends LayerArgs {
  /** Initial noise scale alpha (default 0.25, the PNI paper's). */
  alphaInit?: number;
  /** Default `'layer'`. */
  granularity?: PniGranularity;
  /**
   * Keep the noise on at inference and inside attacks (default true): the PNI paper shows that
   * turning it off there loses the robustness. False makes the layer the identity at inference.
   */
  activeAtInference?: boolean;
}

/**
 * Parametric Noise Injection on activations (PNI, SPEC.md): `h + alpha * N(0, std(h)^2)`, with a
 * trainable `alpha` and `std(h)` over the whole batch tensor treated as a constant (no gradient
 * flows through it). The noise is drawn anew on every call. Unlike `NoiseLayer` it needs no trainer:
 * `model.fit` learns alpha (train it with adversarial training, as the paper does; give alpha no
 * weight decay). It is part of the model, so `stripNoiseLayers` keeps it.
 */
export class ParametricNoiseLayer extends layers.Layer {
  static className = 'anl>ParametricNoise';
  readonly alphaInit: number;
  readonly granularity: PniGranularity;
  readonly activeAtInference: boolean;
  private alpha: LayerVariable | null = null;

  constructor(args: ParametricNoiseLayerArgs = {}) {
    const alphaInit = args.alphaInit ?? 0.25;
    const granularity = args.granularity ?? 'layer';
    const activeAtInference = args.activeAtInference ?? true;
    if (typeof alphaInit !== 'number' || !Number.isFinite(alphaInit)) {
      invalidArgument('config.alphaInit', 'a finite number', alphaInit);
    }
    if (granularity !== 'layer' && granularity !== 'channel') {
      invalidArgument('config.granularity', "'layer' or 'channel'", granularity);
    }
    if (typeof activeAtInference !== 'boolean') {
      invalidArgument('config.activeAtInference', 'a boolean', activeAtInference);
    }
    super({ ...args, name: args.name ?? uniqueLayerName('anl_parametric_noise') });
    this.alphaInit = alphaInit;
    this.granularity = granularity;
    this.activeAtInference = activeAtInference;
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
    const alphaShape = this.granularity === 'layer' ? [1] : [channels as number];
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
      ...super.getConfig(),
    };
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const h = singleInput(inputs, this.name);
      if (kwargs.training !== true && !this.activeAtInference) return h;
      const noise = mul(randomNormal(h.shape, 0, 1), detachedStd(h));
      return add(h, mul(this.alpha!.read(), noise));
    });
  }
}

// One class for `instanceof` even when the ESM and CJS builds are both loaded.
brandClass(ParametricNoiseLayer, '@anl/tfjs/ParametricNoiseLayer');

/** std(h) over all elements with a zero gradient: PNI scales by it but does not train through it. */
const detachedStd = customGrad(((h: Tensor, save: GradSaveFunc) => {
  save([h]);
  return {
    value: sqrt(moments(h).variance),
    gradFunc: (_dy: Tensor, saved: Tensor[]) => zerosLike(saved[0]),
  };
}) as never) as (h: Tensor) => Tensor;

/** A `ParametricNoiseLayer` (PNI activation noise). */
export function parametricNoiseLayer(config: ParametricNoiseLayerArgs = {}): ParametricNoiseLayer {
  if (config === null || typeof config !== 'object') invalidArgument('config', 'an object', config);
  return new ParametricNoiseLayer(config);
}
