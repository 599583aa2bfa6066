import * as tfl from '@tensorflow/tfjs-layers';
import { invalidArgument } from '@anl/core';
import { type ModelOptions, resolveOptions } from './model-options';
import { NetBuilder } from './net-builder';

export interface LeNet5Options extends ModelOptions {
  /** Subsampling layers: 'max' (default, as in the ANL authors' PyTorch code) or 'avg' (LeCun 1998). */
  pooling?: 'max' | 'avg';
}

/**
 * LeNet-5 exactly as in the ANL paper (Table 2, Fashion-MNIST):
 * CONV(6, 5x5)-ANL-RELU-POOL-CONV(16, 5x5)-ANL-RELU-POOL-FC(120)-RELU-FC(84)-RELU-FC(10).
 * Convolutions have no activation of their own so the noise sits between conv and ReLU.
 * Padding: the first conv is 'same' so a 28x28 input gives LeCun's 32x32 geometry (28 -> 14 ->
 * 10 -> 5, 16x5x5 = 400 features into FC 120); the second is 'valid'. 61,706 parameters.
 * Default input [28, 28, 1], 10 classes, noise after both convs.
 */
export function lenet5(options?: LeNet5Options): tfl.LayersModel {
  const o = resolveOptions(options, {
    inputShape: [28, 28, 1],
    numClasses: 10,
    name: 'lenet5',
    hasBatchNorm: false,
  });
  const pooling = options?.pooling ?? 'max';
  if (pooling !== 'max' && pooling !== 'avg') invalidArgument('options.pooling', "'max' or 'avg'", pooling);
  const b = new NetBuilder(o);
  const pool = (x: tfl.SymbolicTensor) => {
    const args = { poolSize: 2, strides: 2, name: b.name('pool') };
    const layer = pooling === 'max' ? tfl.layers.maxPooling2d(args) : tfl.layers.averagePooling2d(args);
    return layer.apply(x) as tfl.SymbolicTensor;
  };
  let x = b.start();
  x = pool(b.relu(b.conv(x, 6, 5, { padding: 'same' })));
  x = pool(b.relu(b.conv(x, 16, 5, { padding: 'valid' })));
  return b.build(b.classifier(x, [120, 84]));
}
