import { brandClass, invalidArgument } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { uniqueLayerName } from './layer-names';
import type { LayerArgs } from './tfjs-layer-args';

export interface ShortcutPadArgs extends LayerArgs {
  /** Spatial subsampling: keep every `strides`-th row and column (x[:, ::s, ::s, :]). */
  strides: number;
  /** Output channels; the new ones are zeros, split evenly before and after the input's. */
  outChannels: number;
}

/**
 * The parameter-free shortcut of He et al.'s CIFAR ResNets ("option A"): subsample by the stride and
 * zero-pad the channels. Used by ResNet-20/56 and PyramidNet, where it keeps the published counts.
 */
export class ShortcutPad extends tfl.layers.Layer {
  static className = 'anl>ShortcutPad';
  readonly strides: number;
  readonly outChannels: number;

  constructor(args: ShortcutPadArgs) {
    super({ ...args, name: args.name ?? uniqueLayerName('shortcut_pad') });
    if (!(Number.isInteger(args.strides) && args.strides > 0)) {
      invalidArgument('config.strides', 'a positive integer', args.strides);
    }
    if (!(Number.isInteger(args.outChannels) && args.outChannels > 0)) {
      invalidArgument('config.outChannels', 'a positive integer', args.outChannels);
    }
    this.strides = args.strides;
    this.outChannels = args.outChannels;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const sub = (d: number | null) => (d === null ? null : Math.ceil(d / this.strides));
    return [s[0], sub(s[1]), sub(s[2]), this.outChannels];
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const c = s[3] as number;
    if (c > this.outChannels) {
      invalidArgument(`input channels of ${this.name}`, `at most outChannels (${this.outChannels})`, c);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      // A 1x1 average pool with stride s is exactly x[:, ::s, ::s, :] (and has a gradient in tfjs).
      const sub = this.strides === 1 ? x : tf.avgPool(x, 1, this.strides, 'valid');
      const extra = this.outChannels - x.shape[3];
      if (extra === 0) return sub;
      const before = Math.floor(extra / 2);
      return tf.pad(sub, [
        [0, 0],
        [0, 0],
        [0, 0],
        [before, extra - before],
      ]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { strides: this.strides, outChannels: this.outChannels, ...super.getConfig() };
  }
}

// One class for `instanceof` even when the ESM and CJS builds are both loaded.
brandClass(ShortcutPad, '@anl/models/ShortcutPad');

// Registered on import so saved models that contain it load (tfjs takes no custom objects).
tf.serialization.registerClass(ShortcutPad);
