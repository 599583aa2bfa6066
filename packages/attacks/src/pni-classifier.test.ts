import { parametricNoiseLayer } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, useCpu } from '../test/fixtures';
import { classifierFromLayersModel } from './layers-model-classifier';

beforeAll(useCpu);

function pniModel(activeAtInference: boolean): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [4],
        units: 6,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      parametricNoiseLayer({ activeAtInference }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

const rand = mulberry32(5);
const x = () => tf.tensor2d(Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => rand())));
const labels = () => tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');

describe('PNI models under attack (noise stays on, SPEC: PNI)', () => {
  it('a PNI layer active at inference makes every input gradient a fresh noisy draw', () => {
    const classifier = classifierFromLayersModel(pniModel(true), { bounds: [0, 1] });
    const input = x();
    const y = labels();
    const a = classifier.lossGradient(input, y).arraySync();
    const b = classifier.lossGradient(input, y).arraySync();
    expect(a).not.toEqual(b);
  });

  it('with the noise off at inference the gradient is deterministic, and training: true turns it back on', () => {
    const model = pniModel(false);
    const input = x();
    const y = labels();
    const quiet = classifierFromLayersModel(model, { bounds: [0, 1] });
    expect(quiet.lossGradient(input, y).arraySync()).toEqual(quiet.lossGradient(input, y).arraySync());
    const noisy = classifierFromLayersModel(model, { bounds: [0, 1], training: true });
    expect(noisy.lossGradient(input, y).arraySync()).not.toEqual(noisy.lossGradient(input, y).arraySync());
  });
});
