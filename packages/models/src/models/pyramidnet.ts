import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidArgument } from '@anl/core';
import { type ModelOptions, positiveInteger, resolveOptions } from './model-options';
import { NetBuilder } from './net-builder';
import { ShortcutPad } from './shortcut-pad';

export interface PyramidNetOptions extends ModelOptions {
  /** 6n+2 (default 20: 3 blocks per stage). */
  depth?: number;
  /** Total widening over the network (default 48): width grows by alpha/(3n) per block from 16. */
  alpha?: number;
}

/**
 * A small additive PyramidNet (Han et al. 2017) with basic blocks for CIFAR: widths grow linearly
 * from 16 to 16 + alpha; block = BN-conv3x3-BN-ReLU-conv3x3-BN (no ReLU after the addition);
 * shortcuts are parameter-free (subsample + zero-pad channels). Noise after every BN that is
 * followed by a ReLU or the addition. Depth 20, alpha 48: 3 stages x 3 blocks.
 */
export function pyramidNet(options?: PyramidNetOptions): tfl.LayersModel {
  const depth = options?.depth ?? 20;
  if (!(Number.isInteger(depth) && depth >= 8 && (depth - 2) % 6 === 0)) {
    invalidArgument('options.depth', '6n+2 with n >= 1 (8, 14, 20, ...)', depth);
  }
  const alpha = positiveInteger('options.alpha', options?.alpha ?? 48);
  const o = resolveOptions(options, {
    inputShape: [32, 32, 3],
    numClasses: 10,
    name: `pyramidnet${depth}`,
    hasBatchNorm: true,
  });
  const b = new NetBuilder(o);
  const n = (depth - 2) / 6;
  const step = alpha / (3 * n);
  let x = b.bn(b.conv(b.start(), 16, 3, { useBias: false }));
  let exact = 16;
  let channels = 16;
  for (let stage = 0; stage < 3; stage++) {
    for (let k = 0; k < n; k++) {
      exact += step;
      const width = Math.round(exact);
      const strides = stage > 0 && k === 0 ? 2 : 1;
      let y = b.bn(x);
      y = b.relu(b.bn(b.conv(y, width, 3, { strides, useBias: false })));
      y = b.bn(b.conv(y, width, 3, { useBias: false }));
      const shortcut =
        strides === 1 && width === channels
          ? x
          : (new ShortcutPad({ strides, outChannels: width, name: b.name('shortcut') }).apply(
              x,
            ) as tfl.SymbolicTensor);
      x = b.add(y, shortcut);
      channels = width;
    }
  }
  x = b.relu(b.bn(x));
  return b.build(b.classifier(b.globalAvgPool(x)));
}
