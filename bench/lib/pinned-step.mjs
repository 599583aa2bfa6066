// One LeNet-5 training step (random data, wasm + training kernels), timed: the median of 30 after 5
// warm-up steps, printed as JSON. Arguments: batch size (default 64) and a wall-clock time (ms since
// the epoch) to start timing at, so several processes time side by side. Run by core-speeds.mjs.
import { lenet5 } from '@anl/models';
import { TfjsTrainableModel } from '@anl/tfjs';
import { enableWasmTraining } from '@anl/tfjs/training-kernels';
import * as tf from '@tensorflow/tfjs';

const batch = Number(process.argv[2] ?? 64);
const startAt = Number(process.argv[3] ?? 0);
await enableWasmTraining();
const trainable = new TfjsTrainableModel(lenet5({ output: 'logits' }), {
  optimizer: tf.train.momentum(0.01, 0.9),
  loss: 'softmaxCrossEntropy',
});
const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1);
const y = tf
  .oneHot(
    tf.tensor1d(
      Int32Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ),
    10,
  )
  .toFloat();
const step = () => {
  const r = trainable.doPass({
    x,
    y,
    batchSize: batch,
    noise: () => null,
    weightGradients: true,
    noiseGradients: false,
  });
  trainable.doApplyGradients(r.weightGradients);
  tf.dispose(Object.values(r.weightGradients));
  r.loss.dataSync();
  r.loss.dispose();
};
for (let i = 0; i < 5; i++) step();
while (Date.now() < startAt) await new Promise((resolve) => setTimeout(resolve, 1));
const times = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ medianMs: times[15] }));
