import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxRelativeError, randomValues, runKernelOn } from './backend-pair.test-helpers';
import { registerWasmTrainingKernels } from './index';
import { registerCpuTrainingKernels, unregisterCpuTrainingKernels } from './register';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
type Named = Record<string, { shape: number[]; values: Float32Array }>;

/** Stock cpu kernel (ours unregistered) = truth; ours on wasm and on cpu must agree with it. */
async function compareWithStockCpu(kernel: string, inputs: Named, attrs: object, intInputs: string[] = []) {
  unregisterCpuTrainingKernels();
  const truth = await runKernelOn('cpu', kernel, inputs, attrs, intInputs);
  registerWasmTrainingKernels();
  const wasm = await runKernelOn('wasm', kernel, inputs, attrs, intInputs);
  registerCpuTrainingKernels();
  const cpu = await runKernelOn('cpu', kernel, inputs, attrs, intInputs);
  unregisterCpuTrainingKernels();
  expect(wasm.shape).toEqual(truth.shape);
  expect(cpu.shape).toEqual(truth.shape);
  expect(maxRelativeError(wasm.values, truth.values)).toBeLessThan(1e-4);
  expect(maxRelativeError(cpu.values, truth.values)).toBeLessThan(1e-4);
}

describe('MaxPoolGrad (first maximum of each window gets dy)', () => {
  const cases: [number[], number | [number, number], number | [number, number], 'valid' | 'same'][] = [
    [[2, 8, 8, 3], 2, 2, 'valid'],
    [[1, 7, 9, 2], 3, 2, 'same'],
    [[2, 6, 5, 4], [2, 3], 1, 'valid'],
    [[1, 9, 9, 1], 3, 3, 'same'],
    [[3, 5, 5, 2], 2, [1, 2], 'same'],
    [[2, 6, 8, 3], 2, 2, 'valid'],
    [[1, 7, 5, 2], 2, 2, 'valid'],
  ];
  for (const [i, [xShape, filterSize, strides, pad]] of cases.entries()) {
    it(`x ${xShape} filter ${filterSize} strides ${strides} ${pad}, with ties`, async () => {
      // Values on a coarse grid (and many zeros, as after a ReLU) so windows hold ties.
      const x = randomValues(size(xShape), 40 + i).map((v) => Math.max(0, Math.round(v * 3)));
      const pooled = await runKernelOn(
        'cpu',
        'MaxPool',
        { x: { shape: xShape, values: x } },
        { filterSize, strides, pad },
      );
      const dy = { shape: pooled.shape, values: randomValues(size(pooled.shape), 50 + i) };
      await compareWithStockCpu(
        'MaxPoolGrad',
        { dy, input: { shape: xShape, values: x }, output: pooled },
        { filterSize, strides, pad },
      );
    });
  }
});

describe('MaxPoolGrad with NaN and -Infinity in windows (2x2 fast path and general path)', () => {
  for (const [filterSize, strides] of [
    [2, 2],
    [3, 1],
  ] as const) {
    it(`filter ${filterSize} strides ${strides}`, async () => {
      const xShape = [1, 6, 6, 2];
      const x = randomValues(size(xShape), 77);
      for (const k of [0, 5, 9, 14, 26, 27, 40]) x[k] = Number.NaN;
      for (const k of [1, 2, 3, 16, 17, 30, 31, 44, 45, 46, 47]) x[k] = Number.NEGATIVE_INFINITY;
      const pooled = await runKernelOn(
        'cpu',
        'MaxPool',
        { x: { shape: xShape, values: x } },
        { filterSize, strides, pad: 'valid' },
      );
      const dy = { shape: pooled.shape, values: randomValues(size(pooled.shape), 78) };
      await compareWithStockCpu(
        'MaxPoolGrad',
        { dy, input: { shape: xShape, values: x }, output: pooled },
        { filterSize, strides, pad: 'valid' },
      );
    });
  }
});

describe('GatherV2 (block copies)', () => {
  const cases: [number[], number[], number][] = [
    [[10, 6, 4], [7], 0],
    [[5, 12], [3, 2], 0],
    [[4, 5, 6], [5], 1],
    [[3, 4, 5], [2, 2], 2],
    [[6], [6], 0],
  ];
  for (const [i, [xShape, idxShape, axis]] of cases.entries()) {
    it(`x ${xShape} indices ${idxShape} axis ${axis}`, async () => {
      const n = xShape[axis];
      const idx = randomValues(size(idxShape), 60 + i).map((v) => Math.floor(((v + 1) / 2) * n));
      await compareWithStockCpu(
        'GatherV2',
        {
          x: { shape: xShape, values: randomValues(size(xShape), 70 + i) },
          indices: { shape: idxShape, values: idx },
        },
        { axis, batchDims: 0 },
        ['indices'],
      );
    });
  }

  it('throws on an index out of range, on wasm and cpu', async () => {
    const inputs = {
      x: { shape: [3, 2], values: new Float32Array(6) },
      indices: { shape: [2], values: new Float32Array([1, 3]) },
    };
    registerWasmTrainingKernels();
    await expect(
      runKernelOn('wasm', 'GatherV2', inputs, { axis: 0, batchDims: 0 }, ['indices']),
    ).rejects.toThrow(/index value 3/);
    registerCpuTrainingKernels();
    await expect(
      runKernelOn('cpu', 'GatherV2', inputs, { axis: 0, batchDims: 0 }, ['indices']),
    ).rejects.toThrow(/index value 3/);
    unregisterCpuTrainingKernels();
  });
});

describe('BatchMatMul on wasm (transposes and batches folded into plain products)', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[4, 5, 7], [7, 3], false, false],
    [[4, 7, 5], [1, 3, 7], true, true],
    [[5, 7], [4, 7, 3], false, false],
    [[1, 7, 5], [4, 3, 7], true, true],
    [[2, 3, 5, 7], [2, 3, 7, 4], false, false],
    [[3, 7, 5], [3, 7, 4], true, false],
  ];
  for (const [i, [aShape, bShape, transposeA, transposeB]] of cases.entries()) {
    it(`a ${aShape} b ${bShape} tA ${transposeA} tB ${transposeB}`, async () => {
      await compareWithStockCpu(
        'BatchMatMul',
        {
          a: { shape: aShape, values: randomValues(size(aShape), 80 + i) },
          b: { shape: bShape, values: randomValues(size(bShape), 90 + i) },
        },
        { transposeA, transposeB },
      );
    });
  }
});

describe('Slice on wasm (copies only the runs it returns)', () => {
  const cases: [number[], number[], number[]][] = [
    [
      [10, 4],
      [3, 0],
      [5, 4],
    ],
    [
      [4, 5, 6],
      [1, 2, 3],
      [2, 3, 2],
    ],
    [
      [3, 4, 5, 2],
      [0, 1, 0, 1],
      [3, 2, 5, 1],
    ],
    [
      [2, 3, 4, 5, 2],
      [1, 0, 2, 1, 0],
      [1, 3, 2, 3, 2],
    ],
    [[7], [2], [4]],
    [
      [4, 5],
      [1, 1],
      [-1, -1],
    ],
  ];
  for (const [i, [xShape, begin, sz]] of cases.entries()) {
    it(`x ${xShape} begin ${begin} size ${sz}`, async () => {
      await compareWithStockCpu(
        'Slice',
        { x: { shape: xShape, values: randomValues(size(xShape), 110 + i) } },
        { begin, size: sz },
      );
    });
  }
});

describe('Tile (block copies, innermost dimension first)', () => {
  const cases: [number[], number[]][] = [
    [
      [1, 1, 1, 5],
      [3, 4, 2, 1],
    ],
    [
      [2, 3],
      [3, 2],
    ],
    [[4], [5]],
    [
      [2, 1, 3],
      [1, 4, 1],
    ],
    [
      [3, 2, 2, 2],
      [2, 1, 3, 2],
    ],
    [
      [2, 3],
      [1, 1],
    ],
  ];
  for (const [i, [xShape, reps]] of cases.entries()) {
    it(`x ${xShape} reps ${reps}`, async () => {
      await compareWithStockCpu(
        'Tile',
        { x: { shape: xShape, values: randomValues(size(xShape), 130 + i) } },
        { reps },
      );
    });
  }
});

describe('host-array kernels on tensors made on another backend', () => {
  it('slice, gather and MaxPoolGrad read a cpu tensor moved into a growing wasm heap correctly', async () => {
    registerWasmTrainingKernels();
    await tf.setBackend('cpu');
    // 24 MB: moving it to wasm must grow the heap in the middle of our kernels' input lookups.
    const n = 6_000_000;
    const values = randomValues(n, 123);
    const slices: tf.Tensor[] = [];
    const make = () => tf.tensor(values, [n / 1000, 10, 10, 10]);
    const onCpu = make();
    const truth = {
      slice: await tf.slice(onCpu, [5, 0, 0, 0], [3, 10, 10, 10]).data(),
      gather: await tf.gather(onCpu, tf.tensor1d([7, 2, 5999], 'int32')).data(),
    };
    onCpu.dispose();
    for (const op of ['slice', 'gather'] as const) {
      await tf.setBackend('cpu');
      const big = make();
      await tf.setBackend('wasm');
      const out =
        op === 'slice'
          ? tf.slice(big, [5, 0, 0, 0], [3, 10, 10, 10])
          : tf.gather(big, tf.tensor1d([7, 2, 5999], 'int32'));
      slices.push(out);
      expect(maxRelativeError((await out.data()) as Float32Array, truth[op] as Float32Array)).toBe(0);
      big.dispose();
    }
    tf.dispose(slices);
  });
});

describe('a float32 tensor cast from int32 on cpu, then used on wasm', () => {
  it('is read by its stored int32 values (tfjs moves the shared int32 buffer as int32)', async () => {
    registerWasmTrainingKernels();
    await tf.setBackend('cpu');
    const y = tf.cast(tf.oneHot(tf.tensor1d([1, 2, 0], 'int32'), 3), 'float32');
    await tf.setBackend('wasm');
    const s = tf.slice(y, [1, 0], [2, 3]);
    const g = tf.gather(y, tf.tensor1d([2, 0], 'int32'));
    const t = tf.tile(y, [1, 2]);
    expect(Array.from(await s.data())).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(await g.data())).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(await t.data()).slice(0, 6)).toEqual([0, 1, 0, 0, 1, 0]);
    tf.dispose([y, s, g, t]);
  });
});

describe('Identity on wasm (shares the buffer)', () => {
  it('a clone reads the same values, survives disposing the original, and frees the buffer last', async () => {
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    const buffersBefore = tf.engine().backend.numDataIds();
    const a = tf.tensor([1, 2, 3, 4], [2, 2]);
    const b = tf.clone(a);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore + 1);
    a.dispose();
    expect(Array.from(await b.data())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
  });
});
