import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomValues, runKernelOn } from './backend-pair.test-helpers';
import { registerWasmTrainingKernels } from './index';
import { unregisterWasmTrainingKernels } from './register';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Sum or mean over `axes` in float64, the truth both wasm kernels are measured against. */
function float64Reduce(values: Float32Array, shape: number[], axes: number[], kind: 'Sum' | 'Mean') {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outSize = size(kept.map((i) => shape[i]));
  const sums = new Float64Array(outSize);
  const strides = shape.map((_, i) => size(shape.slice(i + 1)));
  const count = size(axes.map((a) => shape[a]));
  for (let flat = 0; flat < values.length; flat++) {
    let out = 0;
    for (const i of kept) out = out * shape[i] + (Math.floor(flat / strides[i]) % shape[i]);
    sums[out] += values[flat];
  }
  return kind === 'Sum' ? sums : sums.map((s) => s / count);
}

/** max |got - truth| over max |truth| (or 1), and the same for wasm's own kernel. */
async function errors(
  kind: 'Sum' | 'Mean',
  shape: number[],
  axis: number | number[],
  keepDims: boolean,
  offset: number,
) {
  const values = randomValues(size(shape), shape.length * 7 + size(shape)).map((v) => v * 2 + offset);
  const axes = [...tf.util.parseAxisParam(axis, shape)];
  const truth = float64Reduce(values, shape, axes, kind);
  const scale = Math.max(1, ...Array.from(truth, Math.abs));
  const measure = (out: Float32Array) =>
    Math.max(...Array.from(out, (v, i) => Math.abs(v - truth[i]))) / scale;
  registerWasmTrainingKernels();
  const ours = await runKernelOn('wasm', kind, { x: { shape, values } }, { axis, keepDims });
  unregisterWasmTrainingKernels();
  const stock = await runKernelOn('wasm', kind, { x: { shape, values } }, { axis, keepDims });
  registerWasmTrainingKernels();
  return { ours, stock, oursError: measure(ours.values), stockError: measure(stock.values) };
}

describe('Sum and Mean on wasm as one AvgPool (whole tensor, or all axes but the last)', () => {
  const cases: [number[], number | number[], boolean][] = [
    [[128, 28, 28, 6], [0, 1, 2, 3], false], // CANL's s(h) on LeNet-5's first activations
    [[128, 28, 28, 6], [0, 1, 2], false], // the conv bias gradient
    [[32, 10, 10, 16], [0, 1, 2], true],
    [[7, 13], [0, 1], true],
    [[7, 13], 0, false],
    [[1000], 0, false],
    [[999], -1, false], // odd size: one lane
    [[3, 5, 4, 2, 3], [0, 1, 2, 3], false],
  ];
  for (const kind of ['Sum', 'Mean'] as const) {
    for (const [shape, axis, keepDims] of cases) {
      for (const offset of [0, 100]) {
        it(`${kind} of ${shape} over ${axis}${keepDims ? ' (keepDims)' : ''}, values ${offset} ± 2`, async () => {
          const { ours, stock, oursError, stockError } = await errors(kind, shape, axis, keepDims, offset);
          expect(ours.shape).toEqual(stock.shape);
          // As close to float64 as wasm's own loop (one long float32 chain) or closer, and within
          // the 1e-4 every replacement kernel is held to.
          expect(oursError).toBeLessThanOrEqual(Math.max(stockError * 1.5, 4e-7));
          expect(oursError).toBeLessThan(1e-4);
        });
      }
    }
  }

  it('other axis sets, int32 and single rows fall back to the backend kernel with the same result', async () => {
    const shape = [4, 5, 6];
    const values = randomValues(size(shape), 3);
    for (const axis of [1, [0, 2], [1, 2], 2]) {
      registerWasmTrainingKernels();
      const ours = await runKernelOn('wasm', 'Sum', { x: { shape, values } }, { axis, keepDims: false });
      unregisterWasmTrainingKernels();
      const stock = await runKernelOn('wasm', 'Sum', { x: { shape, values } }, { axis, keepDims: false });
      registerWasmTrainingKernels();
      expect(ours.shape).toEqual(stock.shape);
      expect(Array.from(ours.values)).toEqual(Array.from(stock.values));
    }
    const ints = await runKernelOn(
      'wasm',
      'Sum',
      { x: { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) } },
      { axis: [0, 1], keepDims: false },
      ['x'],
    );
    expect(Array.from(ints.values)).toEqual([21]);
    const single = await runKernelOn(
      'wasm',
      'Mean',
      { x: { shape: [1, 3], values: Float32Array.from([1, 2, 6]) } },
      { axis: [0], keepDims: false },
    );
    expect(Array.from(single.values)).toEqual([1, 2, 6]);
  });

  it('frees what it allocates (tf.memory over many calls)', async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    const x = tf.tensor(randomValues(6 * 8 * 8 * 4, 9), [6, 8, 8, 4]);
    const run = () => {
      tf.dispose([tf.sum(x), tf.mean(x), tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1, 2], true)]);
    };
    run();
    const before = tf.memory();
    for (let i = 0; i < 50; i++) run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    x.dispose();
  });
});
