import { lenet5, mobilenetV1, mobilenetV2, pyramidNet, resnet18, resnet20, vgg11, wmCnn } from '@anl/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportChecked,
  maxAbsDiff,
  onnxPredict,
  randomInput,
  randomizeWeights,
  tfjsPredict,
} from './test-models.test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Exports `model` (noise layers and all, as the builders place them) and compares with tf.predict. */
async function zooParity(model: tf.LayersModel, batch = 2): Promise<number> {
  randomizeWeights(model, 51);
  const shape = [batch, ...(model.inputs[0].shape.slice(1) as number[])];
  const input = { shape, data: randomInput(shape, 52) };
  const got = await onnxPredict(exportChecked(model), [input]);
  const want = tfjsPredict(model, [input])[0];
  model.dispose();
  return maxAbsDiff(got.values[0], want);
}

describe('@anl/models builders export with tf.predict parity (1e-4, random weights, small inputs)', () => {
  it('LeNet-5 (paper placement of noise layers, avg pooling)', async () => {
    expect(await zooParity(lenet5())).toBeLessThan(1e-4);
    expect(await zooParity(lenet5({ pooling: 'avg', output: 'logits' }))).toBeLessThan(1e-4);
  });

  it('ResNet-20 (option-A ShortcutPad) and ResNet-18 (projection shortcuts)', async () => {
    expect(await zooParity(resnet20({ inputShape: [16, 16, 3] }))).toBeLessThan(1e-4);
    expect(await zooParity(resnet18({ inputShape: [16, 16, 3] }), 1)).toBeLessThan(1e-4);
  });

  it('VGG-11, MobileNet v1/v2, PyramidNet (narrowed: same layers, fewer channels)', async () => {
    expect(
      await zooParity(vgg11({ inputShape: [32, 32, 3], widthDivisor: 8, hiddenUnits: [32] }), 1),
    ).toBeLessThan(1e-4);
    expect(await zooParity(mobilenetV1({ inputShape: [32, 32, 3], alpha: 0.25 }), 1)).toBeLessThan(1e-4);
    expect(await zooParity(mobilenetV2({ inputShape: [32, 32, 3], alpha: 0.25 }), 1)).toBeLessThan(1e-4);
    expect(await zooParity(pyramidNet({ inputShape: [16, 16, 3] }), 1)).toBeLessThan(1e-4);
  });

  it('WM-CNN (WeightMap layers, smoothing and unsharp; even box size 4 for asymmetric same padding)', async () => {
    expect(await zooParity(wmCnn())).toBeLessThan(1e-4);
    expect(await zooParity(wmCnn({ variant: 'unsharp' }))).toBeLessThan(1e-4);
    expect(await zooParity(wmCnn({ variant: 'unsharp', kernelSize: 4 }))).toBeLessThan(1e-4);
  });
});
