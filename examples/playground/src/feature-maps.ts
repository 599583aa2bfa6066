// What the first layer sees: a convolution's output maps for one test image, or (MLP) the input
// weights of the first few hidden units, each as a 28x28 picture.
import * as tf from '@tensorflow/tfjs';
import { chainActivations, type Network } from './networks';

export interface FeatureMaps {
  /** `count` maps of `width x height`, one after another. */
  values: Float32Array;
  count: number;
  width: number;
  height: number;
  what: string;
}

const MAX_MAPS = 8;

export async function firstLayerFeatures(network: Network, image: tf.Tensor): Promise<FeatureMaps> {
  const layer = network.firstLayer;
  const conv = layer.getClassName() === 'Conv2D';
  const maps = tf.tidy(() => {
    if (conv) {
      const [out] = chainActivations(network.model, image, [layer]);
      const channelsFirst = tf.transpose(out.squeeze([0]), [2, 0, 1]);
      return channelsFirst.slice(0, Math.min(MAX_MAPS, channelsFirst.shape[0]));
    }
    const kernel = layer.getWeights()[0];
    const units = Math.min(MAX_MAPS, kernel.shape[1] as number);
    return tf.transpose(kernel.slice([0, 0], [-1, units])).reshape([units, 28, 28]);
  });
  const [count, height, width] = maps.shape;
  const values = (await maps.data()) as Float32Array;
  maps.dispose();
  const what = conv
    ? `output of ${layer.name} (${count} of its channels) for the first test image`
    : `input weights of the first ${count} units of ${layer.name}`;
  return { values, count, width, height, what };
}
