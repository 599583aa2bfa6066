import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidArgument } from '@anl/core';
import { type ModelOptions, resolveOptions } from './model-options';
import { NetBuilder } from './net-builder';

type SymbolicTensor = tfl.SymbolicTensor;

/** [output channels, stride] of MobileNet v1's depthwise-separable blocks (Howard et al. 2017). */
const V1_BLOCKS: [number, number][] = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];

export interface MobileNetOptions extends ModelOptions {
  /** Width multiplier alpha (default 1): every layer's channels scaled by it (Howard et al.). */
  alpha?: number;
}

function checkAlpha(alpha: unknown): number {
  if (!(typeof alpha === 'number' && alpha > 0 && Number.isFinite(alpha))) {
    invalidArgument('options.alpha', 'a positive number', alpha);
  }
  return alpha;
}

const scaled = (channels: number, alpha: number) => Math.max(1, Math.round(channels * alpha));

/**
 * MobileNet v1 for CIFAR (kuangliu/pytorch-cifar): a stride-1 3x3 stem of 32 channels, 13
 * depthwise-separable blocks (dw3x3-BN-ReLU-pw1x1-BN-ReLU; strides 2 at 128, 256, 512, 1024),
 * global average pool, FC. Noise after every BN. 3,217,226 trainable parameters on CIFAR-10.
 */
export function mobilenetV1(options?: MobileNetOptions): tfl.LayersModel {
  const o = resolveOptions(options, {
    inputShape: [32, 32, 3],
    numClasses: 10,
    name: 'mobilenet_v1',
    hasBatchNorm: true,
  });
  const alpha = checkAlpha(options?.alpha ?? 1);
  const b = new NetBuilder(o);
  let x = b.convBnRelu(b.start(), scaled(32, alpha), 3);
  for (const [channels, strides] of V1_BLOCKS) {
    x = b.relu(b.bn(b.depthwise(x, strides)));
    x = b.convBnRelu(x, scaled(channels, alpha), 1);
  }
  return b.build(b.classifier(b.globalAvgPool(x)));
}

/** [expansion, output channels, blocks, first stride] (Sandler et al. 2018; CIFAR strides as kuangliu). */
const V2_STAGES: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 1], // stride 2 on ImageNet; 1 for 32x32 inputs
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export interface MobileNetV2Options extends MobileNetOptions {
  /**
   * 'cifar' (default, kuangliu/pytorch-cifar): every stride-1 block has a shortcut, a 1x1-conv+BN
   * projection where channels change (2,296,922 parameters on CIFAR-10). 'paper': shortcuts only
   * where stride is 1 and channels match, as in Sandler et al. (2,237,770).
   */
  shortcuts?: 'cifar' | 'paper';
}

/**
 * MobileNetV2 for 32x32 inputs: stride-1 3x3 stem of 32, inverted residual blocks
 * (expand 1x1-BN-ReLU, depthwise 3x3-BN-ReLU, project 1x1-BN), 1x1 conv to 1280, global average
 * pool, FC. ReLU rather than ReLU6, as in the CIFAR code. Noise after every BN. With `alpha` < 1
 * the last 1x1 conv keeps 1280 channels, as in the paper.
 */
export function mobilenetV2(options?: MobileNetV2Options): tfl.LayersModel {
  const o = resolveOptions(options, {
    inputShape: [32, 32, 3],
    numClasses: 10,
    name: 'mobilenet_v2',
    hasBatchNorm: true,
  });
  const shortcuts = options?.shortcuts ?? 'cifar';
  if (shortcuts !== 'cifar' && shortcuts !== 'paper')
    invalidArgument('options.shortcuts', "'cifar' or 'paper'", shortcuts);
  const alpha = checkAlpha(options?.alpha ?? 1);
  const b = new NetBuilder(o);
  let channels = scaled(32, alpha);
  let x = b.convBnRelu(b.start(), channels, 3);
  for (const [expansion, width, blocks, firstStride] of V2_STAGES) {
    const out = scaled(width, alpha);
    for (let k = 0; k < blocks; k++) {
      const strides = k === 0 ? firstStride : 1;
      x = invertedResidual(b, x, channels, out, expansion, strides, shortcuts);
      channels = out;
    }
  }
  x = b.convBnRelu(x, alpha > 1 ? scaled(1280, alpha) : 1280, 1);
  return b.build(b.classifier(b.globalAvgPool(x)));
}

function invertedResidual(
  b: NetBuilder,
  x: SymbolicTensor,
  inChannels: number,
  out: number,
  expansion: number,
  strides: number,
  shortcuts: 'cifar' | 'paper',
): SymbolicTensor {
  let y = b.convBnRelu(x, expansion * inChannels, 1);
  y = b.relu(b.bn(b.depthwise(y, strides)));
  y = b.bn(b.conv(y, out, 1, { useBias: false }));
  if (strides !== 1) return y;
  if (inChannels === out) return b.add(y, x);
  if (shortcuts === 'paper') return y;
  return b.add(y, b.bn(b.conv(x, out, 1, { useBias: false })));
}
