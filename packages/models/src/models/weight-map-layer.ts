import { brandClass, invalidArgument } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { uniqueLayerName } from './layer-names';
import type { LayerArgs } from './tfjs-layer-args';

export type WeightMapVariant = 'smoothing' | 'unsharp';

export interface WeightMapArgs extends LayerArgs {
  /** Output channels C_o. */
  filters: number;
  /** Side D_k of the fixed box kernel of ones (the paper compares 3 and 9). */
  kernelSize: number;
  /**
   * 'smoothing' (Eq. 2): o = box(sum_ci W ⊙ x) + b, VALID (D_o = D_i - D_k + 1).
   * 'unsharp' (Eq. 3-4): o = sum_ci (2 m - box(m)) + b, SAME zero padding (D_o = D_i).
   */
  variant: WeightMapVariant;
  /** Per-output-pixel bias b[co] ∈ R^{Do×Do} (default true). */
  useBias?: boolean;
  /** Seed of the kernel initialiser (default: random). */
  seed?: number;
}

/**
 * The weight map layer of Amer & Maul (2019): a learned map W[ci,co] ∈ R^{Di×Di} scales the input
 * element-wise, m[ci,co] = W[ci,co] ⊙ x[ci], and a fixed box filter of ones reduces it.
 * By linearity both variants are a per-pixel contraction over ci — one batched matMul with a batch
 * of H·W pixels — followed by ONE box filter per output channel (depthwise conv with ones), never a
 * C_i×C_o loop. Weights: kernel [H, W, Ci, Co], bias [Ho, Wo, Co]. Input NHWC.
 */
export class WeightMap extends tfl.layers.Layer {
  static className = 'anl>WeightMap';
  readonly filters: number;
  readonly kernelSize: number;
  readonly variant: WeightMapVariant;
  readonly useBias: boolean;
  readonly seed: number | undefined;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: WeightMapArgs) {
    super({ ...args, name: args.name ?? uniqueLayerName('weight_map') });
    if (!(Number.isInteger(args.filters) && args.filters > 0)) {
      invalidArgument('config.filters', 'a positive integer', args.filters);
    }
    if (!(Number.isInteger(args.kernelSize) && args.kernelSize > 0)) {
      invalidArgument('config.kernelSize', 'a positive integer', args.kernelSize);
    }
    if (args.variant !== 'smoothing' && args.variant !== 'unsharp') {
      invalidArgument('config.variant', "'smoothing' or 'unsharp'", args.variant);
    }
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.variant = args.variant;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
  }

  private outSize(d: number): number {
    return this.variant === 'smoothing' ? d - this.kernelSize + 1 : d;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [, h, w, ci] = s;
    if (s.length !== 4 || h == null || w == null || ci == null) {
      invalidArgument(`input shape of ${this.name}`, '[batch, height, width, channels] with known sizes', s);
    }
    if (this.outSize(h) < 1 || this.outSize(w) < 1) {
      invalidArgument(`input shape of ${this.name}`, `height and width >= kernelSize ${this.kernelSize}`, s);
    }
    // He initialisation for the fan-in of one output pixel: Ci channels × Dk² box positions.
    const stddev = Math.sqrt(2 / (ci * this.kernelSize * this.kernelSize));
    this.kernel = this.addWeight(
      'kernel',
      [h, w, ci, this.filters],
      'float32',
      tfl.initializers.randomNormal({ mean: 0, stddev, seed: this.seed }),
    );
    if (this.useBias) {
      this.bias = this.addWeight(
        'bias',
        [this.outSize(h), this.outSize(w), this.filters],
        'float32',
        tfl.initializers.zeros(),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0], this.outSize(s[1] as number), this.outSize(s[2] as number), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const [batch, h, w, ci] = x.shape;
      const co = this.filters;
      // sum_ci W[y,x,ci,co] x[b,y,x,ci] for every pixel: [HW, B, Ci] @ [HW, Ci, Co] -> [HW, B, Co].
      const pixelsFirst = tf.transpose(tf.reshape(x, [batch, h * w, ci]), [1, 0, 2]);
      const kernel = tf.reshape(this.kernel!.read(), [h * w, ci, co]);
      const summed = tf.reshape(tf.transpose(tf.matMul(pixelsFirst, kernel), [1, 0, 2]), [
        batch,
        h,
        w,
        co,
      ]) as tf.Tensor4D;
      const ones = tf.ones([this.kernelSize, this.kernelSize, co, 1]) as tf.Tensor4D;
      let out: tf.Tensor;
      if (this.variant === 'smoothing') {
        out = tf.depthwiseConv2d(summed, ones, 1, 'valid');
      } else {
        // sum_ci (2m - box(m)) = 2 sum_ci m - box(sum_ci m): one box filter per output channel.
        out = tf.sub(tf.mul(summed, 2), tf.depthwiseConv2d(summed, ones, 1, 'same'));
      }
      return this.bias ? tf.add(out, this.bias.read()) : out;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      variant: this.variant,
      useBias: this.useBias,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
      ...super.getConfig(),
    };
  }
}

// One class for `instanceof` even when the ESM and CJS builds are both loaded.
brandClass(WeightMap, '@anl/models/WeightMap');

// Registered on import so saved models that contain it load (tfjs takes no custom objects).
serialization.registerClass(WeightMap);

/** A WeightMap layer (see `WeightMapArgs`). */
export function weightMap(args: WeightMapArgs): WeightMap {
  return new WeightMap(args);
}
