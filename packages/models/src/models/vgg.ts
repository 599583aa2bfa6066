import { invalidArgument } from '@anl/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ModelOptions, positiveInteger, resolveOptions } from './model-options';
import { NetBuilder } from './net-builder';

/** Channels per conv, 'M' = 2x2 max pool (Simonyan & Zisserman 2015, configurations A and D). */
const VGG_CONFIGS = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const;

export interface VggOptions extends ModelOptions {
  /** 11 or 16 (default 16). */
  depth?: 11 | 16;
  /** Hidden FC layers before the logits (default none: the common CIFAR VGG has one FC 512 -> 10). */
  hiddenUnits?: number[];
  /** Divide every conv width by this (default 1; for quick tests and tiny devices). */
  widthDivisor?: number;
}

/**
 * CIFAR-style VGG with BatchNorm: [conv3x3-BN-ReLU]xK blocks with max pools, then FC. Noise after
 * every BN before its ReLU (the ANL paper's VGG-16). Needs inputs divisible by 32 (5 pools).
 * Convolutions have no bias (BN follows). Trainable parameters on CIFAR-10: VGG-16 14,724,042,
 * VGG-11 9,228,362 (kuangliu/pytorch-cifar reports 14,728,266 / 9,231,114: its convs keep redundant biases).
 */
export function vgg(options?: VggOptions): tfl.LayersModel {
  const depth = options?.depth ?? 16;
  if (depth !== 11 && depth !== 16) invalidArgument('options.depth', '11 or 16', depth);
  const o = resolveOptions(options, {
    inputShape: [32, 32, 3],
    numClasses: 10,
    name: `vgg${depth}`,
    hasBatchNorm: true,
  });
  const divisor = positiveInteger('options.widthDivisor', options?.widthDivisor ?? 1);
  const hidden = options?.hiddenUnits ?? [];
  hidden.forEach((u, i) => {
    positiveInteger(`options.hiddenUnits[${i}]`, u);
  });
  const [h, w] = o.inputShape;
  if (h % 32 !== 0 || w % 32 !== 0) {
    invalidArgument(
      'options.inputShape',
      'height and width divisible by 32 (VGG has 5 poolings)',
      o.inputShape,
    );
  }
  const b = new NetBuilder(o);
  let x = b.start();
  for (const item of VGG_CONFIGS[depth]) {
    if (item === 'M') {
      x = tfl.layers
        .maxPooling2d({ poolSize: 2, strides: 2, name: b.name('pool') })
        .apply(x) as tfl.SymbolicTensor;
    } else {
      x = b.convBnRelu(x, Math.max(1, Math.round(item / divisor)), 3);
    }
  }
  return b.build(b.classifier(x, hidden));
}

/** VGG-11 with BN (see `vgg`). */
export function vgg11(options?: Omit<VggOptions, 'depth'>): tfl.LayersModel {
  return vgg({ ...options, depth: 11 });
}

/** VGG-16 with BN (see `vgg`), the ANL paper's CIFAR-10 network. */
export function vgg16(options?: Omit<VggOptions, 'depth'>): tfl.LayersModel {
  return vgg({ ...options, depth: 16 });
}
