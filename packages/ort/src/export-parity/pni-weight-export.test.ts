import { lenet5 } from '@anl/models';
import { toPniWeightModel } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportChecked as exportToOnnx,
  maxAbsDiff,
  onnxPredict,
  randomInput,
  randomizeWeights,
  tfjsPredict,
} from './test-models.test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportToOnnx: PNI-W layers', () => {
  it('exports PniConv2D / PniDense noise-free: onnxruntime gives the clean-weight network', async () => {
    const plain = lenet5();
    randomizeWeights(plain, 7);
    const shape = [3, 28, 28, 1];
    const inputs = [{ shape, data: randomInput(shape, 2) }];
    const [clean] = tfjsPredict(plain, inputs);
    // Noise on at inference (the default) in tfjs; the export keeps only the clean weights.
    const pni = toPniWeightModel(plain, { granularity: 'channel', alphaInit: 0.5, seed: 1 });
    const [noisy] = tfjsPredict(pni, inputs);
    expect(maxAbsDiff(noisy, clean)).toBeGreaterThan(1e-3);
    const got = await onnxPredict(exportToOnnx(pni), inputs);
    expect(maxAbsDiff(got.values[0], clean)).toBeLessThan(1e-4);
    // With the noise off at inference, tfjs and onnxruntime agree on the same model.
    const quiet = toPniWeightModel(plain, { activeAtInference: false, granularity: 'element' });
    const [quietTfjs] = tfjsPredict(quiet, inputs);
    const quietOnnx = await onnxPredict(exportToOnnx(quiet), inputs);
    expect(maxAbsDiff(quietOnnx.values[0], quietTfjs)).toBeLessThan(1e-4);
    for (const m of [plain, pni, quiet]) m.dispose();
  });
});
