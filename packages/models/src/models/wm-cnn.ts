import { invalidArgument } from '@anl/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ModelOptions, positiveInteger, resolveOptions } from './model-options';
import { NetBuilder } from './net-builder';
import { WeightMap } from './weight-map-layer';

export interface WmCnnOptions extends ModelOptions {
  /** 'smoothing' / 'unsharp': WM layers (the paper's WM nets); 'conv': the plain CNN of Table 1. */
  variant?: 'smoothing' | 'unsharp' | 'conv';
  /** Channels of the three feature layers (default [32, 32, 8] for WM, [33, 33, 8] for 'conv'). */
  channels?: number[];
  /** Conv kernel / box filter size (default 3; the paper also uses 9). */
  kernelSize?: number;
  /** Units of the hidden FC layer (default 64). */
  hiddenUnits?: number;
  /** BatchNorm before each nonlinearity of the feature layers (default false). */
  batchNorm?: boolean;
}

/**
 * The networks of the Weight Map paper (Table 1) on 28x28x1: three feature layers, each
 * WM (or a 3x3 VALID conv) -> [BN] -> ReLU, then FC 64 -> ReLU -> FC 10. No pooling.
 * Parameters with kernel 3: conv 33-33-8 261,070; smoothing WM 32-32-8 1,157,226 (VALID box,
 * 28 -> 26 -> 24 -> 22); unsharp WM 1,487,178 (SAME, 28x28 throughout). Noise (when placed) after
 * each feature layer, or after each BN with `batchNorm`.
 */
export function wmCnn(options?: WmCnnOptions): tfl.LayersModel {
  const variant = options?.variant ?? 'smoothing';
  if (variant !== 'smoothing' && variant !== 'unsharp' && variant !== 'conv') {
    invalidArgument('options.variant', "'smoothing', 'unsharp' or 'conv'", variant);
  }
  const batchNorm = options?.batchNorm ?? false;
  if (typeof batchNorm !== 'boolean') invalidArgument('options.batchNorm', 'a boolean', batchNorm);
  const o = resolveOptions(options, {
    inputShape: [28, 28, 1],
    numClasses: 10,
    name: variant === 'conv' ? 'cnn' : `wm_${variant}`,
    hasBatchNorm: batchNorm,
  });
  const channels = options?.channels ?? (variant === 'conv' ? [33, 33, 8] : [32, 32, 8]);
  if (!Array.isArray(channels) || channels.length === 0) {
    invalidArgument('options.channels', 'a non-empty array of positive integers', channels);
  }
  channels.forEach((c, i) => {
    positiveInteger(`options.channels[${i}]`, c);
  });
  const kernelSize = positiveInteger('options.kernelSize', options?.kernelSize ?? 3);
  const hidden = positiveInteger('options.hiddenUnits', options?.hiddenUnits ?? 64);
  const b = new NetBuilder(o);
  let x = b.start();
  for (const filters of channels) {
    if (variant === 'conv') {
      x = b.conv(x, filters, kernelSize, { padding: 'valid', useBias: !batchNorm });
    } else {
      const layer = new WeightMap({
        filters,
        kernelSize,
        variant,
        useBias: !batchNorm,
        seed: b.nextSeed(),
        name: b.name('wm'),
      });
      x = b.noiseIf('conv', layer.apply(x) as tfl.SymbolicTensor);
    }
    if (batchNorm) x = b.bn(x);
    x = b.relu(x);
  }
  return b.build(b.classifier(x, [hidden]));
}
