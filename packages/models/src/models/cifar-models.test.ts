import '@tensorflow/tfjs-backend-cpu';
import { AnlError } from '@anl/core';
import { findNoiseLayers } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { mobilenetV1, mobilenetV2 } from './mobilenet';
import { pyramidNet } from './pyramidnet';
import { resnet, resnet18, resnet20, resnet34, resnet56 } from './resnet';
import {
  expectForward,
  expectOneStepDecreasesLoss,
  expectSaveLoadRoundTrip,
  fixedBatch,
  noiseInputs,
  trainableCount,
} from './test-helpers';
import { vgg11, vgg16 } from './vgg';

const count = (model: tfl.LayersModel, className: string) =>
  model.layers.filter((l) => l.getClassName() === className).length;

/** Build, check, dispose: big models are built once per check to keep memory low. */
function withModel<R>(build: () => tfl.LayersModel, fn: (m: tfl.LayersModel) => R): R {
  const model = build();
  try {
    return fn(model);
  } finally {
    model.dispose();
  }
}

/**
 * Published parameter counts (CIFAR-10, 10 classes). Reference: PyTorch `sum(p.numel())` of
 * kuangliu/pytorch-cifar (ResNet-18/34, MobileNet v1/v2) and He et al. 2016 Table 6 (ResNet-20
 * 0.27M, ResNet-56 0.85M). VGG: kuangliu's count minus its redundant conv biases (hand count).
 */
const PUBLISHED: [string, () => tfl.LayersModel, number, number][] = [
  // name, builder, exact expected, published headline
  ['VGG-16', () => vgg16(), 14_728_266 - (2 * 64 + 2 * 128 + 3 * 256 + 6 * 512), 14.7e6],
  ['VGG-11', () => vgg11(), 9_231_114 - (64 + 128 + 2 * 256 + 4 * 512), 9.2e6],
  ['ResNet-18', () => resnet18(), 11_173_962, 11.2e6],
  ['ResNet-34', () => resnet34(), 21_282_122, 21.3e6],
  ['MobileNetV2', () => mobilenetV2(), 2_296_922, 2.3e6],
  ['MobileNet v1', () => mobilenetV1(), 3_217_226, 3.2e6],
];

describe('parameter counts against published numbers', () => {
  for (const [name, build, exact, headline] of PUBLISHED) {
    it(`${name}: ${exact.toLocaleString('en')} (published ≈ ${headline / 1e6}M)`, () => {
      const n = withModel(build, trainableCount);
      console.log(`${name} trainable parameters: ${n}`);
      expect(n).toBe(exact);
      expect(Math.abs(n - headline) / headline).toBeLessThan(0.01);
    });
  }

  it('ResNet-20 ≈ 0.27M and ResNet-56 ≈ 0.85M (He et al.), by the option-A formula', () => {
    // Stem 3*9*16 + BN 32; stage widths 16, 32, 64 with n blocks of two 3x3 convs + 2 BNs; FC 64*10+10.
    const formula = (n: number) => {
      let total = 3 * 9 * 16 + 2 * 16;
      let cin = 16;
      for (const w of [16, 32, 64]) {
        for (let k = 0; k < n; k++) {
          total += cin * 9 * w + 2 * w + w * 9 * w + 2 * w;
          cin = w;
        }
      }
      return total + 64 * 10 + 10;
    };
    const r20 = withModel(() => resnet20(), trainableCount);
    const r56 = withModel(() => resnet56(), trainableCount);
    console.log(`ResNet-20 trainable parameters: ${r20}; ResNet-56: ${r56}`);
    expect(r20).toBe(formula(3));
    expect(r56).toBe(formula(9));
    expect(Math.abs(r20 - 0.27e6) / 0.27e6).toBeLessThan(0.01);
    expect(Math.abs(r56 - 0.85e6) / 0.85e6).toBeLessThan(0.01);
  });

  it('MobileNetV2 with the paper shortcuts drops exactly the 1x1 projection convs', () => {
    // Projection shortcuts sit in the first block of stride-1 stages whose width changes:
    // 32->16, 16->24, 64->96, 160->320 (conv + BN gamma/beta).
    const projections = [
      [32, 16],
      [16, 24],
      [64, 96],
      [160, 320],
    ].reduce((s, [i, o]) => s + i * o + 2 * o, 0);
    expect(withModel(() => mobilenetV2({ shortcuts: 'paper' }), trainableCount)).toBe(
      2_296_922 - projections,
    );
  });
});

describe('noise placement in BN networks', () => {
  const builders: [string, (o: object) => tfl.LayersModel][] = [
    ['vgg11', (o) => vgg11({ widthDivisor: 16, ...o })],
    ['resnet20', (o) => resnet20({ inputShape: [8, 8, 3], ...o })],
    ['resnet18', (o) => resnet18({ inputShape: [8, 8, 3], ...o })],
    ['mobilenetV1', (o) => mobilenetV1({ inputShape: [8, 8, 3], ...o })],
    ['mobilenetV2', (o) => mobilenetV2({ inputShape: [8, 8, 3], ...o })],
    ['pyramidNet', (o) => pyramidNet({ inputShape: [8, 8, 3], ...o })],
  ];
  for (const [name, build] of builders) {
    it(`${name}: one noise layer after every BN by default, after every conv on request, none when false`, () => {
      withModel(
        () => build({}),
        (m) => {
          const inputs = noiseInputs(m);
          expect(inputs.length).toBe(count(m, 'BatchNormalization'));
          expect(new Set(inputs)).toEqual(new Set(['BatchNormalization']));
          // Each noise layer takes over exactly what its BN fed: BN -> noise -> (ReLU | Add | ...).
          for (const n of findNoiseLayers(m)) {
            const bn = n.inboundNodes[0].inboundLayers[0];
            expect(bn.outboundNodes.map((node) => node.outboundLayer)).toEqual([n]);
            expect(n.outboundNodes.length).toBeGreaterThan(0);
          }
        },
      );
      withModel(
        () => build({ noise: { after: 'conv', input: true } }),
        (m) => {
          const inputs = noiseInputs(m);
          expect(inputs[0]).toBe('InputLayer');
          expect(inputs.length - 1).toBe(count(m, 'Conv2D') + count(m, 'DepthwiseConv2D'));
        },
      );
      withModel(
        () => build({ noise: false }),
        (m) => expect(findNoiseLayers(m)).toHaveLength(0),
      );
    });
  }

  it('puts VGG-16 noise after each of its 13 BN layers', () => {
    withModel(
      () => vgg16({ widthDivisor: 16 }),
      (m) => expect(noiseInputs(m)).toEqual(new Array(13).fill('BatchNormalization')),
    );
  });
});

describe('forward, save/load and a training step', () => {
  // Small inputs where the architecture allows (global-pooling nets; the weights do not depend on the
  // input size). VGG needs 32x32, so its training step runs at 1/16 width, and the MobileNets at
  // alpha 0.25 (full width they take tens of seconds a step on cpu). Batch 4: BN in training mode
  // on 2 samples is too ill-conditioned for "one small step lowers the loss".
  // The last flag: also check for tensor leaks over 3 more steps (custom layers: ShortcutPad).
  const cases: [string, (seed: number) => tfl.LayersModel, number[], boolean, boolean?][] = [
    [
      'vgg16 (1/16 width)',
      (seed) => vgg16({ widthDivisor: 16, hiddenUnits: [16], numClasses: 4, seed }),
      [32, 32, 3],
      true,
    ],
    ['vgg11 (1/16 width)', (seed) => vgg11({ widthDivisor: 16, numClasses: 4, seed }), [32, 32, 3], true],
    ['resnet20', (seed) => resnet20({ inputShape: [8, 8, 3], numClasses: 4, seed }), [8, 8, 3], true, true],
    ['resnet56', (seed) => resnet56({ inputShape: [8, 8, 3], numClasses: 4, seed }), [8, 8, 3], true],
    ['resnet18', (seed) => resnet18({ inputShape: [8, 8, 3], numClasses: 4, seed }), [8, 8, 3], true],
    [
      'mobilenetV1 (alpha 0.25)',
      (seed) => mobilenetV1({ inputShape: [8, 8, 3], numClasses: 4, alpha: 0.25, seed }),
      [8, 8, 3],
      true,
    ],
    [
      'mobilenetV2 (alpha 0.25)',
      (seed) => mobilenetV2({ inputShape: [8, 8, 3], numClasses: 4, alpha: 0.25, seed }),
      [8, 8, 3],
      true,
    ],
    [
      'pyramidNet (depth 8)',
      (seed) => pyramidNet({ depth: 8, alpha: 12, inputShape: [8, 8, 3], numClasses: 4, seed }),
      [8, 8, 3],
      true,
      true,
    ],
  ];
  for (const [name, build, shape, train, leaks = false] of cases) {
    it(`${name}: forward, save/load${train ? ', one SGD step lowers the loss' : ''}`, async () => {
      const model = build(1);
      const { xs, ys } = fixedBatch(4, shape, 4);
      expectForward(model, xs, 4);
      await expectSaveLoadRoundTrip(model, xs);
      if (train) await expectOneStepDecreasesLoss(model, xs, ys, 0.01, leaks ? 3 : 0);
      tf.dispose([xs, ys]);
      model.dispose();
    });
  }

  it('builds identical weights from the same seed and different ones from another', () => {
    const weights = (seed: number) =>
      withModel(
        () => resnet20({ inputShape: [8, 8, 3], seed }),
        (m) => m.getWeights().map((w) => Array.from(w.dataSync())),
      );
    const a = weights(3);
    expect(weights(3)).toEqual(a);
    expect(weights(4)).not.toEqual(a);
  });

  // A full-width VGG-16 training step takes about a minute on this cpu: forward pass only.
  it('VGG-16 at full width runs a forward pass on 32x32', () => {
    withModel(
      () => vgg16(),
      (m) => {
        const { xs, ys } = fixedBatch(1, [32, 32, 3], 10);
        expectForward(m, xs, 10);
        tf.dispose([xs, ys]);
      },
    );
  });
});

describe('builder options', () => {
  it('adds dropout between VGG FC layers', () => {
    withModel(
      () => vgg11({ widthDivisor: 16, hiddenUnits: [64, 64], dropout: 0.5 }),
      (m) => {
        expect(count(m, 'Dropout')).toBe(2);
        expect(count(m, 'Dense')).toBe(3);
      },
    );
  });

  it('rejects bad depths and shapes with typed errors', () => {
    expect(() => resnet({ depth: 21 })).toThrow(AnlError);
    expect(() => resnet({ depth: 21 })).toThrow(/depth must be 18, 34 or 6n\+2/);
    expect(() => resnet({ depth: '18' as never })).toThrow(/depth/);
    expect(() => vgg16({ inputShape: [28, 28, 1] })).toThrow(/divisible by 32/);
    expect(() => vgg16({ widthDivisor: 0 })).toThrow(/widthDivisor must be a positive integer/);
    expect(() => pyramidNet({ depth: 10 })).toThrow(/depth must be 6n\+2/);
    expect(() => mobilenetV2({ shortcuts: 'none' as never })).toThrow(/shortcuts/);
    expect(() => resnet20({ noise: { after: 'relu' as never } })).toThrow(
      /noise\.after must be 'batchnorm' or 'conv'/,
    );
  });

  it('PyramidNet widens linearly from 16 to 16 + alpha', () => {
    withModel(
      () => pyramidNet({ depth: 20, alpha: 48, inputShape: [8, 8, 3] }),
      (m) => {
        const widths = m.layers
          .filter((l) => l.getClassName() === 'Add')
          .map((l) => (l.outputShape as number[])[3]);
        // 9 blocks, +48/9 each: round(16 + 48k/9) for k = 1..9.
        expect(widths).toEqual(Array.from({ length: 9 }, (_, k) => Math.round(16 + (48 * (k + 1)) / 9)));
      },
    );
  });
});
