// One LeNet-5 training step (batch 64, random data, wasm + training kernels), timed: the median of
// 30 after 5 warm-up steps, printed as JSON. Run pinned to one CPU by core-speeds.mjs.
import { lenet5 } from '@anl/models';
import { TfjsTrainableModel } from '@anl/tfjs';
import { enableWasmTraining } from '@anl/tfjs/training-kernels';
import * as tf from '@tensorflow/tfjs';

await enableWasmTraining();
const trainable = new TfjsTrainableModel(lenet5({ output: 'logits' }), {
  optimizer: tf.train.momentum(0.01, 0.9),
  loss: 'softmaxCrossEntropy',
});
const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10).toFloat();
const step = () => {
  const r = trainable.doPass({ x, y, batchSize: 64, noise: () => null, weightGradients: true, noiseGradients: false });
  trainable.doApplyGradients(r.weightGradients);
  tf.dispose(Object.values(r.weightGradients));
  r.loss.dataSync();
  r.loss.dispose();
};
for (let i = 0; i < 5; i++) step();
const times = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ medianMs: times[15] }));
