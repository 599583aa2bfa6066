import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { LayersModel, layers, Sequential, sequential } from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';

// @anl/tfjs reads a few tfjs internals (no public API gives them). If a tfjs release moves one, this
// file says which and where it is read, instead of a training run silently leaking or misbehaving.
// The peer range (~4.22.0) is the range these checks pass on.

const readBy = (what: string, file: string) =>
  `tfjs internal moved: ${what} (read by packages/tfjs/src/${file}); @anl/tfjs is tested with tfjs 4.22.x`;

function expectInternal(ok: boolean, what: string, file: string): void {
  if (!ok) throw new Error(readBy(what, file));
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('tfjs internals @anl/tfjs relies on are where it reads them', () => {
  it('the installed tfjs is in the peer range the package declares', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const range: string = pkg.peerDependencies['@tensorflow/tfjs-core'];
    expect(range).toBe('~4.22.0');
    expect(
      tf.version_core,
      'tfjs-core outside ~4.22.0: rerun these checks before widening the range',
    ).toMatch(/^4\.22\./);
  });

  it('engine().state.activeTape and gradientDepth (discarding a failed gradient tape)', async () => {
    await tf.setBackend('cpu');
    const state = (tf.engine() as unknown as { state: Record<string, unknown> }).state;
    expectInternal(
      typeof state.gradientDepth === 'number',
      'engine().state.gradientDepth',
      'training/discard-failed-tape.ts',
    );
    let seenInside: unknown = null;
    const x = tf.scalar(2);
    const g = tf.grad((v: tf.Tensor) => {
      seenInside = state.activeTape;
      return tf.square(v);
    })(x);
    expectInternal(
      Array.isArray(seenInside),
      'engine().state.activeTape (the array tfjs records into)',
      'training/discard-failed-tape.ts',
    );
    expectInternal(
      state.activeTape === null,
      'engine().state.activeTape (null after a backward pass)',
      'training/discard-failed-tape.ts',
    );
    tf.dispose([x, g]);
  });

  it('Dense and Conv2D layer fields (unfused layer calls)', () => {
    const dense = layers.dense({ units: 2, inputShape: [3], activation: 'relu' });
    const conv = layers.conv2d({
      filters: 2,
      kernelSize: 3,
      inputShape: [5, 5, 1],
      strides: 1,
      padding: 'same',
    });
    const model = sequential({ layers: [conv, layers.flatten(), dense] });
    for (const layer of [dense, conv]) {
      const f = layer as unknown as Record<string, unknown>;
      const file = 'training/unfused-layer-calls.ts';
      expectInternal(
        typeof (f.kernel as { read?: unknown })?.read === 'function',
        `${layer.getClassName()}.kernel.read()`,
        file,
      );
      expectInternal(
        typeof (f.bias as { read?: unknown })?.read === 'function',
        `${layer.getClassName()}.bias.read()`,
        file,
      );
      expectInternal(
        typeof (f.activation as { apply?: unknown })?.apply === 'function',
        `${layer.getClassName()}.activation.apply()`,
        file,
      );
      expectInternal(typeof f.invokeCallHook === 'function', `${layer.getClassName()}.invokeCallHook`, file);
    }
    const c = conv as unknown as Record<string, unknown>;
    expectInternal(c.rank === 2, 'Conv2D.rank', 'training/unfused-layer-calls.ts');
    expectInternal(
      Array.isArray(c.strides) && c.padding === 'same',
      'Conv2D.strides / padding',
      'training/unfused-layer-calls.ts',
    );
    expectInternal(c.dataFormat === 'channelsLast', 'Conv2D.dataFormat', 'training/unfused-layer-calls.ts');
    expectInternal(c.dilationRate !== undefined, 'Conv2D.dilationRate', 'training/unfused-layer-calls.ts');
    expectInternal(
      typeof c.addWeight === 'function',
      'Layer.addWeight',
      'model-surgery/split-fused-activation.ts',
    );
    const s = model as unknown as Record<string, unknown>;
    if (s.model == null) model.build();
    expectInternal(
      model instanceof Sequential && s.model instanceof LayersModel,
      'Sequential.model',
      'training/stop-flag.ts',
    );
    model.dispose();
  });

  it('optimizer fields: setLearningRate / learningRate, {variable} slot arrays, primitive counters', () => {
    const file = 'training/optimizer-state.ts and training/learning-rate.ts';
    const w = tf.variable(tf.tensor1d([1, 2]));
    const sgd = tf.train.sgd(0.1) as unknown as Record<string, unknown>;
    expectInternal(typeof sgd.setLearningRate === 'function', 'SGDOptimizer.setLearningRate', file);
    const adam = tf.train.adam(0.01);
    const fields = adam as unknown as Record<string, unknown>;
    expectInternal(typeof fields.learningRate === 'number', 'AdamOptimizer.learningRate field', file);
    adam.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    const slotArrays = Object.values(fields).filter(
      (v) => Array.isArray(v) && v.length > 0 && v.every((s) => s?.variable instanceof tf.Variable),
    );
    expectInternal(slotArrays.length === 2, "Adam's per-weight moments as arrays of { variable }", file);
    expectInternal(
      Object.values(fields).some((v) => v instanceof tf.Variable),
      "Adam's accBeta1/accBeta2 variables",
      file,
    );
    adam.dispose();
    w.dispose();
  });

  it('tensor.dataId and the cpu and wasm backends’ data maps (training kernels, first-layer reuse)', async () => {
    const file = 'wasm-training/host-arrays.ts and training/first-layer-reuse.ts';
    await tf.setBackend('cpu');
    const a = tf.tensor1d([1, 2, 3]);
    const dataId = (a as unknown as { dataId?: object }).dataId;
    expectInternal(typeof dataId === 'object' && dataId !== null, 'Tensor.dataId', file);
    const cpu = tf.backend() as unknown as Record<string, any>;
    expectInternal(
      cpu.data?.get(dataId)?.values instanceof Float32Array,
      'cpu backend.data.get(dataId).values',
      file,
    );
    expectInternal(typeof cpu.makeTensorInfo === 'function', 'cpu backend.makeTensorInfo', file);
    a.dispose();

    await tf.setBackend('wasm');
    const b = tf.tensor1d([1, 2, 3]);
    const wasm = tf.backend() as unknown as Record<string, any>;
    const id = (b as unknown as { dataId: object }).dataId;
    expectInternal(
      wasm.dataIdMap?.get(id)?.dtype === 'float32',
      'wasm backend.dataIdMap.get(dataId).dtype',
      file,
    );
    expectInternal(typeof wasm.makeOutput === 'function', 'wasm backend.makeOutput', file);
    expectInternal(
      Array.from(wasm.typedArrayFromHeap({ dataId: id, shape: [3], dtype: 'float32' })).join() === '1,2,3',
      'wasm backend.typedArrayFromHeap',
      file,
    );
    b.dispose();
  });
});
