import '@tensorflow/tfjs-backend-cpu';
import { findNoiseLayers } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectForward,
  expectOneStepDecreasesLoss,
  expectSaveLoadRoundTrip,
  fixedBatch,
  noiseInputs,
  trainableCount,
} from './test-helpers';
import { wmCnn } from './wm-cnn';

/** Parameters by hand from the layer shapes: WM kernel D_i²·Ci·Co + bias D_o²·Co; conv k²·Ci·Co + Co. */
function expectedCount(variant: 'smoothing' | 'unsharp' | 'conv', channels: number[], k = 3): number {
  let d = 28;
  let ci = 1;
  let total = 0;
  for (const co of channels) {
    const dOut = variant === 'unsharp' ? d : d - k + 1;
    total += variant === 'conv' ? k * k * ci * co + co : d * d * ci * co + dOut * dOut * co;
    d = dOut;
    ci = co;
  }
  const flat = d * d * ci;
  return total + flat * 64 + 64 + 64 * 10 + 10;
}

describe('wmCnn (Weight Map paper, Table 1 and 2)', () => {
  it('plain CNN 33-33-8: 261,070 parameters (SPEC: 261K)', () => {
    const model = wmCnn({ variant: 'conv' });
    expect(trainableCount(model)).toBe(expectedCount('conv', [33, 33, 8]));
    expect(trainableCount(model)).toBe(261_070);
    expect(model.layers.find((l) => l.getClassName() === 'Flatten')!.outputShape).toEqual([
      null,
      22 * 22 * 8,
    ]);
    model.dispose();
  });

  it('smoothing WM 32-32-8: 1,157,226 parameters (SPEC: 1.16M), 28 -> 26 -> 24 -> 22', () => {
    const model = wmCnn({ variant: 'smoothing' });
    expect(trainableCount(model)).toBe(expectedCount('smoothing', [32, 32, 8]));
    expect(Math.abs(trainableCount(model) - 1.16e6) / 1.16e6).toBeLessThan(0.005);
    const wm = model.layers.filter((l) => l.getClassName() === 'anl>WeightMap').map((l) => l.outputShape);
    expect(wm).toEqual([
      [null, 26, 26, 32],
      [null, 24, 24, 32],
      [null, 22, 22, 8],
    ]);
    model.dispose();
  });

  it('unsharp WM 32-32-8: 1,487,178 parameters (SPEC: 1.49M), 28x28 throughout', () => {
    const model = wmCnn({ variant: 'unsharp' });
    expect(trainableCount(model)).toBe(expectedCount('unsharp', [32, 32, 8]));
    expect(Math.abs(trainableCount(model) - 1.49e6) / 1.49e6).toBeLessThan(0.005);
    model.dispose();
  });

  it('places noise after each feature layer (or each BN), none when false', () => {
    const wm = wmCnn({ variant: 'smoothing', channels: [4, 4, 2] });
    expect(noiseInputs(wm)).toEqual(['WeightMap', 'WeightMap', 'WeightMap'].map((n) => `anl>${n}`));
    const bn = wmCnn({ variant: 'conv', batchNorm: true, channels: [4, 4, 2] });
    expect(noiseInputs(bn)).toEqual(['BatchNormalization', 'BatchNormalization', 'BatchNormalization']);
    const none = wmCnn({ variant: 'unsharp', noise: false, channels: [4, 4, 2] });
    expect(findNoiseLayers(none)).toHaveLength(0);
    for (const m of [wm, bn, none]) m.dispose();
  });

  for (const variant of ['smoothing', 'unsharp', 'conv'] as const) {
    it(`${variant}: forward, save/load round trip, one SGD step lowers the loss`, async () => {
      const model = wmCnn({
        variant,
        channels: [6, 6, 4],
        hiddenUnits: 16,
        inputShape: [12, 12, 1],
        seed: 2,
      });
      const { xs, ys } = fixedBatch(4, [12, 12, 1], 10);
      expectForward(model, xs, 10);
      await expectSaveLoadRoundTrip(model, xs);
      await expectOneStepDecreasesLoss(model, xs, ys, 0.01, 4);
      tf.dispose([xs, ys]);
      model.dispose();
    });
  }

  it('rejects bad options', () => {
    expect(() => wmCnn({ variant: 'median' as never })).toThrow(/variant must be/);
    expect(() => wmCnn({ channels: [] })).toThrow(/channels must be a non-empty array/);
    expect(() => wmCnn({ channels: [4, 0] })).toThrow(/channels\[1\] must be a positive integer/);
    expect(() => wmCnn({ kernelSize: 0 })).toThrow(/kernelSize/);
  });
});
