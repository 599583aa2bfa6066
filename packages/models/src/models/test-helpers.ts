// Shared by the model tests only (not exported from the package).
import '@tensorflow/tfjs-backend-cpu';
import { findNoiseLayers } from '@anl/tfjs';
import { registerCpuTrainingKernels } from '@anl/tfjs/wasm-training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

// tfjs's stock cpu Conv2DBackpropFilter is a scalar loop; @anl/tfjs's replacement keeps the
// training-step tests of the conv nets to seconds.
registerCpuTrainingKernels();

/** Number of trainable scalars (PyTorch's `sum(p.numel() for p in model.parameters())`). */
export function trainableCount(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/** A fixed random batch: xs [B, ...inputShape] in [0, 1), one-hot ys with classes 0, 1, 2, ... */
export function fixedBatch(
  batch: number,
  inputShape: number[],
  numClasses: number,
  seed = 1,
): { xs: tf.Tensor; ys: tf.Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', seed),
    ys: tf.oneHot(
      tf.tensor1d(
        Array.from({ length: batch }, (_, i) => i % numClasses),
        'int32',
      ),
      numClasses,
    ) as tf.Tensor2D,
  }));
}

/** predict gives [B, numClasses] probability rows (finite, summing to 1) and leaks nothing. */
export function expectForward(model: tfl.LayersModel, xs: tf.Tensor, numClasses: number): void {
  const before = tf.memory().numTensors;
  const out = model.predict(xs) as tf.Tensor;
  expect(out.shape).toEqual([xs.shape[0], numClasses]);
  const rows = out.arraySync() as number[][];
  for (const row of rows) {
    expect(row.every(Number.isFinite)).toBe(true);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  }
  out.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

/** model.save to memory then tf.loadLayersModel from it: same architecture, weights, predictions. */
export async function expectSaveLoadRoundTrip(model: tfl.LayersModel, xs: tf.Tensor): Promise<void> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
  expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
  expect(findNoiseLayers(loaded).length).toBe(findNoiseLayers(model).length);
  expect(loaded.countParams()).toBe(model.countParams());
  const a = model.predict(xs) as tf.Tensor;
  const b = loaded.predict(xs) as tf.Tensor;
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  expect(diff).toBeLessThan(1e-6);
  tf.dispose([a, b]);
  loaded.dispose();
}

/**
 * Two SGD steps on one fixed batch: the loss at the updated weights is lower than before. With
 * `leakSteps` > 0, that many more steps must leave `tf.memory().numTensors` where the first two did.
 */
export async function expectOneStepDecreasesLoss(
  model: tfl.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  learningRate = 0.01,
  leakSteps = 0,
): Promise<void> {
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'categoricalCrossentropy' });
  // trainOnBatch returns the loss computed before its own update.
  const first = (await model.trainOnBatch(xs, ys)) as number;
  const second = (await model.trainOnBatch(xs, ys)) as number;
  expect(Number.isFinite(first)).toBe(true);
  expect(second).toBeLessThan(first);
  const afterFew = tf.memory().numTensors;
  for (let i = 0; i < leakSteps; i++) await model.trainOnBatch(xs, ys);
  expect(tf.memory().numTensors).toBe(afterFew);
}

/** Noise layers in forward order, by the class name of the layer feeding each one. */
export function noiseInputs(model: tfl.LayersModel): string[] {
  return findNoiseLayers(model).map((n) => {
    const inbound = n.inboundNodes[0].inboundLayers[0];
    return inbound.getClassName();
  });
}
