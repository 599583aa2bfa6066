import type { NoiseMethod } from '@anl/core';
import { brandClass, DEFAULT_NOISE_METHOD, getNoiseMethod, invalidArgument } from '@anl/core';
import { add, randomNormal, type serialization, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';
import { singleInput, uniqueLayerName } from './layer-utils';
import { activeNoiseInjector } from './noise-context';
import type { Kwargs, LayerArgs } from './tfjs-layer-types';

/** What `noiseLayer(...)` accepts, and exactly what `getConfig()` returns (plus tfjs's base keys). */
export interface NoiseLayerArgs extends LayerArgs {
  /**
   * The method this layer was placed for: any registered method (`listNoiseMethods()` of
   * @anl/core; default `DEFAULT_NOISE_METHOD`, ANL). Metadata only: the layer itself never
   * reads it; the trainer decides what noise to inject, and a saved model remembers the intent.
   */
  method?: NoiseMethod;
  /**
   * Standalone Gaussian noise for plain `model.fit` (default 0 = identity): in training mode and with
   * no trainer's injector installed, the layer adds N(0, stddev^2) like tfjs's `GaussianNoise`.
   * ANL, CANL, LAT and ANP need gradients at the noise point and only work through the anl trainer.
   */
  stddev?: number;
}

/**
 * A point where adversarial noise enters the network (SPEC.md: `h_hat = h + eta`). At inference it
 * is the identity. In training mode it hands its input to the active `NoiseInjector` (installed by
 * the anl trainer around a pass) and returns what that gives back; with no injector it adds the
 * standalone Gaussian `stddev` (0 by default, i.e. identity), so `model.fit` still works.
 *
 * The injector is called outside this layer's `tidy`: tensors the injector creates (and any it keeps
 * for itself) live in the caller's scope, which the trainer controls.
 */
export class NoiseLayer extends layers.Layer {
  /** Keras-style registered name `package>Name`, so a saved model says where the layer comes from. */
  static className = 'anl>Noise';
  readonly method: NoiseMethod;
  readonly stddev: number;

  constructor(args: NoiseLayerArgs = {}) {
    const method = args.method ?? DEFAULT_NOISE_METHOD;
    const stddev = args.stddev ?? 0;
    getNoiseMethod(method, 'config.method');
    if (typeof stddev !== 'number' || !Number.isFinite(stddev) || stddev < 0) {
      invalidArgument('config.stddev', 'a finite number >= 0', stddev);
    }
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name.length === 0)) {
      invalidArgument('config.name', 'a non-empty string', args.name);
    }
    super({ ...args, name: args.name ?? uniqueLayerName('anl_noise') });
    this.method = method;
    this.stddev = stddev;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): serialization.ConfigDict {
    return { method: this.method, stddev: this.stddev, ...super.getConfig() };
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    this.invokeCallHook(inputs, kwargs);
    const h = singleInput(inputs, this.name);
    if (kwargs.training !== true) return h;
    const injector = activeNoiseInjector();
    if (injector !== null) return injector.inject(this.name, h);
    if (this.stddev === 0) return h;
    return tidy(() => add(h, randomNormal(h.shape, 0, this.stddev)));
  }
}

// One NoiseLayer class for `instanceof` even when the ESM and CJS builds are both loaded.
brandClass(NoiseLayer, '@anl/tfjs/NoiseLayer');

/** A `NoiseLayer` (see `NoiseLayerArgs`); use it like any tfjs layer: `noiseLayer().apply(x)`. */
export function noiseLayer(config: NoiseLayerArgs = {}): NoiseLayer {
  if (config === null || typeof config !== 'object') invalidArgument('config', 'an object', config);
  return new NoiseLayer(config);
}
