import { invalidArgument } from '@anl/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ModelOptions, resolveOptions } from './model-options';
import { NetBuilder } from './net-builder';
import { ShortcutPad } from './shortcut-pad';

type SymbolicTensor = tfl.SymbolicTensor;

export interface ResNetOptions extends ModelOptions {
  /**
   * 20, 32, 44, 56, 110 (He et al. 2016 CIFAR nets: 3 stages of 16/32/64 channels, (depth-2)/6 basic
   * blocks each, parameter-free "option A" shortcuts) or 18, 34 (the ImageNet widths 64..512 with a
   * CIFAR stem: 3x3 conv, no max pool; 1x1-conv+BN projection shortcuts), as in kuangliu/pytorch-cifar.
   */
  depth: number;
}

const IMAGENET_STYLE: Record<number, number[]> = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3] };

/**
 * CIFAR ResNets with basic blocks: conv-BN-ReLU-conv-BN (+shortcut) -ReLU. Noise after every BN
 * (including a projection shortcut's) before the ReLU / addition.
 * Trainable parameters on CIFAR-10: ResNet-20 269,722; ResNet-56 853,018; ResNet-18 11,173,962;
 * ResNet-34 21,282,122.
 */
export function resnet(options: ResNetOptions): tfl.LayersModel {
  const depth = options?.depth;
  const imagenetStyle = typeof depth === 'number' && IMAGENET_STYLE[depth] !== undefined;
  const cifarStyle = Number.isInteger(depth) && depth >= 8 && (depth - 2) % 6 === 0 && !imagenetStyle;
  if (!cifarStyle && !imagenetStyle) {
    invalidArgument('options.depth', '18, 34 or 6n+2 (20, 32, 44, 56, 110, ...)', depth);
  }
  const o = resolveOptions(options, {
    inputShape: [32, 32, 3],
    numClasses: 10,
    name: `resnet${depth}`,
    hasBatchNorm: true,
  });
  const b = new NetBuilder(o);
  const stages = cifarStyle
    ? [16, 32, 64].map((width) => ({ width, blocks: (depth - 2) / 6 }))
    : [64, 128, 256, 512].map((width, i) => ({ width, blocks: IMAGENET_STYLE[depth][i] }));
  let x = b.convBnRelu(b.start(), stages[0].width, 3);
  let channels = stages[0].width;
  stages.forEach((stage, s) => {
    for (let k = 0; k < stage.blocks; k++) {
      const strides = s > 0 && k === 0 ? 2 : 1;
      x = basicBlock(b, x, channels, stage.width, strides, cifarStyle ? 'pad' : 'projection');
      channels = stage.width;
    }
  });
  return b.build(b.classifier(b.globalAvgPool(x)));
}

function basicBlock(
  b: NetBuilder,
  x: SymbolicTensor,
  inChannels: number,
  width: number,
  strides: number,
  shortcutKind: 'pad' | 'projection',
): SymbolicTensor {
  const y = b.relu(b.bn(b.conv(x, width, 3, { strides, useBias: false })));
  const residual = b.bn(b.conv(y, width, 3, { useBias: false }));
  let shortcut = x;
  if (strides !== 1 || inChannels !== width) {
    shortcut =
      shortcutKind === 'pad'
        ? (new ShortcutPad({ strides, outChannels: width, name: b.name('shortcut') }).apply(
            x,
          ) as SymbolicTensor)
        : b.bn(b.conv(x, width, 1, { strides, useBias: false }));
  }
  return b.relu(b.add(residual, shortcut));
}

export const resnet20 = (options?: Omit<ResNetOptions, 'depth'>) => resnet({ ...options, depth: 20 });
export const resnet56 = (options?: Omit<ResNetOptions, 'depth'>) => resnet({ ...options, depth: 56 });
export const resnet18 = (options?: Omit<ResNetOptions, 'depth'>) => resnet({ ...options, depth: 18 });
export const resnet34 = (options?: Omit<ResNetOptions, 'depth'>) => resnet({ ...options, depth: 34 });
