import * as tf from '@tensorflow/tfjs';

/** Small models shared by the surgery and io tests (8x8 inputs keep them fast on the cpu backend). */

/** conv -> BN -> relu -> pool -> conv -> BN -> relu -> flatten -> dense, with non-trivial BN statistics. */
export function sequentialCnn(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', name: 'conv1' }),
      tf.layers.batchNormalization({ name: 'bn1' }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv2' }),
      tf.layers.batchNormalization({ name: 'bn2' }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, name: 'logits' }),
    ],
  });
  randomizeWeights(model);
  return model;
}

/** input -> conv -> BN -> relu, added back to the input (a residual), -> conv -> pool -> dense. */
export function residualNet(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 2], name: 'image' });
  const c = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'res_conv' }).apply(x);
  const b = tf.layers.batchNormalization({ name: 'res_bn' }).apply(c);
  const r = tf.layers.activation({ activation: 'relu', name: 'res_relu' }).apply(b);
  const sum = tf.layers.add({ name: 'res_add' }).apply([x, r] as tf.SymbolicTensor[]);
  const c2 = tf.layers.conv2d({ filters: 3, kernelSize: 3, name: 'head_conv' }).apply(sum);
  const p = tf.layers.globalAveragePooling2d({}).apply(c2);
  const y = tf.layers.dense({ units: 2, name: 'out' }).apply(p) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: y, name: 'residual' });
  randomizeWeights(model);
  return model;
}

/** Two inputs, a dense layer used twice (shared weights), concatenated, one output. */
export function twoInputNet(): tf.LayersModel {
  const a = tf.input({ shape: [4], name: 'a' });
  const b = tf.input({ shape: [4], name: 'b' });
  const shared = tf.layers.dense({ units: 3, name: 'shared', activation: 'tanh' });
  const joined = tf.layers
    .concatenate({ name: 'join' })
    .apply([shared.apply(a), shared.apply(b)] as tf.SymbolicTensor[]);
  const y = tf.layers.dense({ units: 2, name: 'head' }).apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: y, name: 'two_inputs' });
  randomizeWeights(model);
  return model;
}

/** Random weights everywhere (BN moving variance kept positive), so no layer is trivially the identity. */
export function randomizeWeights(model: tf.LayersModel, seed = 1): void {
  const weights = model.weights.map((w, i) =>
    tf.tidy(() => {
      const r = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed + i);
      return w.name.includes('moving_variance') ? tf.add(tf.abs(r), 0.5) : r;
    }),
  );
  model.setWeights(weights);
  tf.dispose(weights);
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Predictions of `model` on `x` at inference, as one tensor. */
export function predict(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return model.predict(x) as tf.Tensor;
}
