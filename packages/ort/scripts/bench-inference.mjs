// LeNet-5 inference on 28x28x1 inputs: tf.predict (tfjs cpu backend) vs onnxruntime-node on the
// exported file, and OrtTensorOps running ANL's noise expression (first call compiles, later calls
// reuse the session). Run after `npx turbo run build`:
//   node packages/ort/scripts/bench-inference.mjs

import { activationStd, anlNoise, createRng, sampleClippedGaussianR } from '@anl/core';
import { lenet5 } from '@anl/models';
import { exportToOnnx } from '@anl/onnx';
import { OrtTensorOps } from '@anl/ort';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';

await tf.setBackend('cpu');
const runs = Number(process.env.RUNS ?? 20);
const batch = Number(process.env.BATCH ?? 128);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
async function time(fn) {
  await fn();
  const ms = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const model = lenet5({ noise: false, seed: 1 });
const rng = createRng(1);
const data = Float32Array.from({ length: batch * 784 }, () => rng.uniform());
const x = tf.tensor(data, [batch, 28, 28, 1]);

let t0 = performance.now();
const bytes = exportToOnnx(model);
const exportMs = performance.now() - t0;

const tfjsMs = await time(async () => {
  const y = model.predict(x);
  await y.data();
  y.dispose();
});
const results = {
  batch,
  runs,
  exportMs: +exportMs.toFixed(1),
  onnxBytes: bytes.length,
  tfjsCpuPredictMs: +tfjsMs.toFixed(2),
};
for (const threads of [1, 2]) {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, [batch, 28, 28, 1]) };
  results[`ortRunMs_${threads}thread`] = +(await time(() => session.run(feeds))).toFixed(2);
  await session.release();
}

// ANL noise for a conv activation of LeNet-5's first layer: [batch, 28, 28, 6].
const ops = new OrtTensorOps();
const shape = [batch, 28, 28, 6];
const size = batch * 28 * 28 * 6;
const g = Float32Array.from({ length: size }, () => rng.normal());
const h = Float32Array.from({ length: size }, () => rng.normal());
const r = sampleClippedGaussianR(rng, batch, 0.1);
const noise = () =>
  ops.toArray(
    anlNoise(
      ops,
      ops.fromArray(g, shape),
      ops.fromArray(r, [batch]),
      activationStd(ops, ops.fromArray(h, shape)),
    ),
  );
t0 = performance.now();
await noise();
results.ortOpsAnlNoiseFirstCallMs = +(performance.now() - t0).toFixed(2);
results.ortOpsAnlNoiseCachedMs = +(await time(noise)).toFixed(2);
results.ortOpsSessionsCompiled = ops.compiledSessions;
console.log(JSON.stringify(results, null, 2));
x.dispose();
