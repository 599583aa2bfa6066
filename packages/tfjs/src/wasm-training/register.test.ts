import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { enableWasmTraining, registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './index';
import { WASM_TRAINING_KERNELS } from './register';

describe('registration', () => {
  it('serves every wasm training kernel once the wasm package is loaded, idempotently', () => {
    const first = registerWasmTrainingKernels();
    const second = registerWasmTrainingKernels();
    expect([...first].sort()).toEqual([...WASM_TRAINING_KERNELS].sort());
    expect(second).toEqual(first);
  });

  it('unregistering restores the wasm package kernel it replaced and drops the ones wasm lacks', () => {
    registerWasmTrainingKernels();
    const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
    unregisterWasmTrainingKernels();
    const restored = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(restored).toBeDefined();
    expect(restored).not.toBe(ours);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
});

describe('training a small convnet on wasm', () => {
  it('matches the cpu gradients and leaks no tensors or wasm buffers', async () => {
    const grads = async () => {
      const x = tf.tensor4d(
        Array.from({ length: 2 * 8 * 8 * 2 }, (_, i) => Math.sin(i)),
        [2, 8, 8, 2],
      );
      const w1 = tf.tensor4d(
        Array.from({ length: 3 * 3 * 2 * 4 }, (_, i) => Math.cos(i)),
        [3, 3, 2, 4],
      );
      const w2 = tf.tensor4d(
        Array.from({ length: 3 * 3 * 4 * 1 }, (_, i) => Math.sin(2 * i)),
        [3, 3, 4, 1],
      );
      const f = (...[a, b, c]: tf.Tensor[]) =>
        tf.sum(
          tf.square(
            tf.conv2d(
              tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')),
              c as tf.Tensor4D,
              1,
              'valid',
            ),
          ),
        );
      const g = tf.grads(f)([x, w1, w2]);
      const values = await Promise.all(g.map((t) => t.data()));
      tf.dispose([x, w1, w2, ...g]);
      return values;
    };
    await tf.setBackend('cpu');
    const truth = await grads();
    await enableWasmTraining();
    expect(tf.getBackend()).toBe('wasm');
    await grads();
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    let last: Float32Array[] = [];
    for (let i = 0; i < 5; i++) last = (await grads()) as Float32Array[];
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    for (let k = 0; k < truth.length; k++) {
      const scale = Math.max(...Array.from(truth[k], Math.abs));
      const err = Math.max(...Array.from(last[k], (v, i) => Math.abs(v - truth[k][i])));
      expect(err / scale).toBeLessThan(1e-4);
    }
  });
});
