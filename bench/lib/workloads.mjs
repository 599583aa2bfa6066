import { lenet5, resnet20 } from '@anl/models';
import { loadFashionMnist } from '@anl/models/node';
import * as tf from '@tensorflow/tfjs';

/**
 * A workload = a model builder, its training data and test data, all made on the current backend.
 * LeNet-5 trains on real Fashion-MNIST (the system copy, else the package's embedded subset);
 * ResNet-20 on CIFAR-shaped random data (the speed does not depend on the pixels).
 */
export async function loadWorkload(name, { trainLimit, testLimit } = {}) {
  if (name === 'lenet5') {
    const data = await loadFashionMnist({ source: 'auto', trainLimit, testLimit, progress: false });
    return {
      name,
      title: 'LeNet-5 / Fashion-MNIST 28x28x1',
      numClasses: 10,
      eps: 0.03,
      batchSize: 128,
      source: data.source,
      build: () => lenet5({ output: 'logits' }),
      loss: 'softmaxCrossEntropy',
      train: data.train,
      test: data.test,
    };
  }
  if (name === 'resnet20') {
    const n = trainLimit ?? 512;
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 10);
    const xs = tf.randomUniform([n, 32, 32, 3], 0, 1, 'float32', 1);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
    return {
      name,
      title: 'ResNet-20 / CIFAR-shaped random 32x32x3',
      numClasses: 10,
      eps: 0.05,
      // Batch 32: at 128 one wasm step takes ~5 s, too long for a 10-minute bench.
      batchSize: 32,
      source: 'random',
      build: () => resnet20({ output: 'logits' }),
      loss: 'softmaxCrossEntropy',
      train: { xs, ys, labels },
      test: null,
    };
  }
  throw new Error(`unknown workload ${name}`);
}

export function disposeWorkload(w) {
  tf.dispose([w.train.xs, w.train.ys]);
  if (w.test) tf.dispose([w.test.xs, w.test.ys]);
}

/** `count` consecutive batches of `batchSize` rows from the start of the training set. */
export function fixedBatches(w, requestedBatchSize, count) {
  const n = w.train.xs.shape[0];
  const batchSize = Math.min(requestedBatchSize, n); // a --train-limit smaller than one batch
  const batches = [];
  for (let i = 0; i < count; i++) {
    const start = (i * batchSize) % Math.max(1, n - batchSize + 1);
    batches.push({
      x: w.train.xs.slice(start, batchSize),
      y: w.train.ys.slice(start, batchSize),
      labels: w.train.labels.slice(start, start + batchSize),
      batchSize,
    });
  }
  return batches;
}

export function disposeBatches(batches) {
  for (const b of batches) tf.dispose([b.x, b.y]);
}

/** Test accuracy (fraction) without noise, in batches (read asynchronously: webgpu in Node has no sync read). */
export async function testAccuracy(model, test, batchSize = 500) {
  const n = test.xs.shape[0];
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const count = tf.tidy(() => {
      const logits = model.predict(test.xs.slice(start, size));
      return tf.sum(
        tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(test.ys.slice(start, size), 1)), 'int32'),
      );
    });
    correct += (await count.data())[0];
    count.dispose();
  }
  return correct / n;
}
