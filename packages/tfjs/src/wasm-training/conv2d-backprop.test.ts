import { describe, expect, it } from 'vitest';
import { maxRelativeError, randomValues, runKernelOn } from './backend-pair.test-helpers';
import { dyShape, randomConvCases } from './conv-cases.test-helpers';
import { registerWasmTrainingKernels } from './index';
import { naiveConvGrads } from './naive-conv-grads.test-helpers';
import { registerCpuTrainingKernels, unregisterCpuTrainingKernels } from './register';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Ground truth = the stock tfjs cpu kernels (ours unregistered first), for strides and every padding. */
describe('Conv2DBackpropFilter / Conv2DBackpropInput (wasm and cpu replacements vs stock cpu)', () => {
  const cases = randomConvCases(24, 7, false).filter((c) => c.dilations[0] === 1 && c.dilations[1] === 1);

  it('has enough cases with strides above 1 and every padding kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    expect(cases.some((c) => c.strides[0] > 1 || c.strides[1] > 1)).toBe(true);
    expect(cases.some((c) => c.pad === 'same')).toBe(true);
    expect(cases.some((c) => c.pad === 'valid')).toBe(true);
    expect(cases.some((c) => Array.isArray(c.pad))).toBe(true);
  });

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      registerWasmTrainingKernels();
      const x = { shape: c.xShape, values: randomValues(size(c.xShape), 100 + i) };
      const dy = { shape: dyShape(c), values: randomValues(size(dyShape(c)), 200 + i) };
      const w = { shape: c.filterShape, values: randomValues(size(c.filterShape), 300 + i) };
      const filterAttrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape };
      const inputAttrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape };

      unregisterCpuTrainingKernels();
      const dwTruth = await runKernelOn('cpu', 'Conv2DBackpropFilter', { x, dy }, filterAttrs);
      const dxTruth = await runKernelOn('cpu', 'Conv2DBackpropInput', { dy, filter: w }, inputAttrs);

      const dwWasm = await runKernelOn('wasm', 'Conv2DBackpropFilter', { x, dy }, filterAttrs);
      const dxWasm = await runKernelOn('wasm', 'Conv2DBackpropInput', { dy, filter: w }, inputAttrs);
      registerCpuTrainingKernels();
      const dwCpu = await runKernelOn('cpu', 'Conv2DBackpropFilter', { x, dy }, filterAttrs);
      unregisterCpuTrainingKernels();

      expect(dwWasm.shape).toEqual(c.filterShape);
      expect(dxWasm.shape).toEqual(c.xShape);
      expect(maxRelativeError(dwWasm.values, dwTruth.values)).toBeLessThan(1e-4);
      expect(maxRelativeError(dxWasm.values, dxTruth.values)).toBeLessThan(1e-4);
      expect(dwCpu.shape).toEqual(c.filterShape);
      expect(maxRelativeError(dwCpu.values, dwTruth.values)).toBeLessThan(1e-4);
    });
  }
});

/**
 * tfjs' Conv2D gradient kernels take no dilations attribute (tfjs refuses to differentiate dilated convs),
 * but ours accept one; checked against the gradient from its definition.
 */
describe('dilated Conv2DBackpropFilter / Conv2DBackpropInput on wasm vs the definition', () => {
  const cases = randomConvCases(24, 13, false).filter((c) => c.dilations[0] > 1 || c.dilations[1] > 1);

  it('has dilated cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      registerWasmTrainingKernels();
      const x = { shape: c.xShape, values: randomValues(size(c.xShape), 700 + i) };
      const dy = { shape: dyShape(c), values: randomValues(size(dyShape(c)), 800 + i) };
      const w = { shape: c.filterShape, values: randomValues(size(c.filterShape), 900 + i) };
      const common = { strides: c.strides, dilations: c.dilations, pad: c.pad, dataFormat: 'NHWC' };
      const truth = naiveConvGrads(c, x.values, w.values, dy.values);
      const dw = await runKernelOn(
        'wasm',
        'Conv2DBackpropFilter',
        { x, dy },
        { ...common, filterShape: c.filterShape },
      );
      const dx = await runKernelOn(
        'wasm',
        'Conv2DBackpropInput',
        { dy, filter: w },
        { ...common, inputShape: c.xShape },
      );
      expect(maxRelativeError(dw.values, truth.dw)).toBeLessThan(1e-4);
      expect(maxRelativeError(dx.values, truth.dx)).toBeLessThan(1e-4);
    });
  }
});
