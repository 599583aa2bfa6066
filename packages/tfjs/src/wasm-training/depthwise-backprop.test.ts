import { describe, expect, it } from 'vitest';
import { maxRelativeError, randomValues, runKernelOn } from './backend-pair.test-helpers';
import { dyShape, randomConvCases } from './conv-cases.test-helpers';
import { registerWasmTrainingKernels } from './index';
import { naiveConvGrads } from './naive-conv-grads.test-helpers';

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Ground truth = the gradient from its definition (naive sums), and, where dilations are 1, the stock
 * tfjs cpu kernels too (those take a dilations attribute but ignore it).
 */
describe('DepthwiseConv2dNativeBackpropFilter / BackpropInput on wasm vs stock cpu', () => {
  const cases = randomConvCases(24, 11, true);

  it('covers strides, dilations, channel multipliers above 1 and every padding kind', () => {
    expect(cases.some((c) => c.strides[0] > 1 || c.strides[1] > 1)).toBe(true);
    expect(cases.some((c) => c.dilations[0] > 1 || c.dilations[1] > 1)).toBe(true);
    expect(cases.some((c) => c.filterShape[3] > 1)).toBe(true);
    expect(cases.some((c) => c.pad === 'same')).toBe(true);
    expect(cases.some((c) => Array.isArray(c.pad))).toBe(true);
  });

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      registerWasmTrainingKernels();
      const x = { shape: c.xShape, values: randomValues(size(c.xShape), 400 + i) };
      const dy = { shape: dyShape(c), values: randomValues(size(dyShape(c)), 500 + i) };
      const w = { shape: c.filterShape, values: randomValues(size(c.filterShape), 600 + i) };
      const common = { strides: c.strides, dilations: c.dilations, pad: c.pad };
      const filterAttrs = { ...common, filterShape: c.filterShape };
      const inputAttrs = { ...common, inputShape: c.xShape };

      const truth = naiveConvGrads(c, x.values, w.values, dy.values);
      const dw = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, filterAttrs);
      const dx = await runKernelOn(
        'wasm',
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter: w },
        inputAttrs,
      );

      expect(dw.shape).toEqual(c.filterShape);
      expect(dx.shape).toEqual(c.xShape);
      expect(maxRelativeError(dw.values, truth.dw)).toBeLessThan(1e-4);
      expect(maxRelativeError(dx.values, truth.dx)).toBeLessThan(1e-4);
      if (c.dilations[0] === 1 && c.dilations[1] === 1) {
        const dwCpu = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, filterAttrs);
        const dxCpu = await runKernelOn(
          'cpu',
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter: w },
          inputAttrs,
        );
        expect(maxRelativeError(dw.values, dwCpu.values)).toBeLessThan(1e-4);
        expect(maxRelativeError(dx.values, dxCpu.values)).toBeLessThan(1e-4);
      }
    });
  }
});
