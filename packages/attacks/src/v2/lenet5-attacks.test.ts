import { lenet5 } from '@anl/models';
import { parametricNoiseLayer } from '@anl/tfjs';
import { enableWasmTraining } from '@anl/tfjs/wasm-training';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { fashionMnistDir, readFashionMnist } from '../../test/fashion-mnist';
import { trainEpochs } from '../../test/train-loop';
import { ApgdAttack } from './apgd';
import { LinfPgdAttack } from './fgsm-pgd';
import { argmaxRows } from './losses';
import { tfjsAttackClassifier } from './tfjs-attack-classifier';

/** LeNet-5 (@anl/models, logits) trained briefly on the embedded Fashion-MNIST subset. */
let model: tfl.LayersModel;
let testX: tf.Tensor;
let testLabels: number[];

beforeAll(async () => {
  // wasm with the training kernels: LeNet-5 trains in seconds there (minutes on the cpu backend).
  await enableWasmTraining();
  const dir = fashionMnistDir();
  const train = readFashionMnist(dir, 'train', 640);
  const test = readFashionMnist(dir, 't10k', 100);
  model = lenet5({ seed: 3, output: 'logits', noise: false });
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p),
  });
  const xs = tf.tensor4d(train.pixels, [train.count, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);
  await trainEpochs(model, xs, ys, { epochs: 2, batchSize: 32, seed: 1 });
  tf.dispose([xs, ys]);
  testX = tf.tensor4d(test.pixels, [test.count, 28, 28, 1]);
  testLabels = test.labels;
});

/** The same layers (shared weights) with a PNI layer after each convolution. */
function withPni(base: tfl.LayersModel, alpha: number): tfl.LayersModel {
  let t = base.inputs[0];
  for (const layer of base.layers.slice(1)) {
    t = layer.apply(t) as tfl.SymbolicTensor;
    if (layer.getClassName() === 'Conv2D') {
      t = parametricNoiseLayer({ alphaInit: alpha }).apply(t) as tfl.SymbolicTensor;
    }
  }
  return tfl.model({ inputs: base.inputs, outputs: t });
}

describe('LeNet-5 on the embedded subset', () => {
  it('the model learnt something (clean accuracy well above chance)', () => {
    const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const predicted = argmaxRows(classifier.logits(testX), 10);
    const accuracy = testLabels.filter((y, i) => predicted[i] === y).length / testLabels.length;
    expect(accuracy).toBeGreaterThan(0.5);
  });

  it('APGD-CE robust accuracy <= PGD at the same eps and iteration budget', async () => {
    const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const eps = 0.03;
    const pgd = await new LinfPgdAttack({ steps: 10, seed: 1 }).run(classifier, testX, testLabels, {
      epsilons: [eps],
    });
    const apgd = await new ApgdAttack({ steps: 10, seed: 1 }).run(classifier, testX, testLabels, {
      epsilons: [eps],
    });
    expect(apgd.cleanAccuracy).toBe(pgd.cleanAccuracy);
    expect(pgd.results[0].robustAccuracy).toBeLessThan(pgd.cleanAccuracy);
    expect(apgd.results[0].robustAccuracy).toBeLessThanOrEqual(pgd.results[0].robustAccuracy);
    tf.dispose([pgd.results[0].adversarial, apgd.results[0].adversarial]);
  });

  it('on a PNI model, EOT-PGD robust accuracy <= single-draw PGD (accuracy averaged over 10 draws)', async () => {
    const pni = tfjsAttackClassifier(withPni(model, 1), { bounds: [0, 1] });
    expect(pni.stochastic).toBe(true);
    const eps = 0.02;
    const single = await new LinfPgdAttack({ steps: 5, seed: 2, eot: 1 }).run(pni, testX, testLabels, {
      epsilons: [eps],
    });
    const eot = await new LinfPgdAttack({ steps: 5, seed: 2, eot: 8 }).run(pni, testX, testLabels, {
      epsilons: [eps],
    });
    // Robust accuracy measured independently of the attacks' own bookkeeping: mean over fresh draws.
    const expectedAccuracy = (x: tf.Tensor) => {
      let correct = 0;
      for (let draw = 0; draw < 10; draw++) {
        const predicted = argmaxRows(pni.logits(x), 10);
        correct += testLabels.filter((y, i) => predicted[i] === y).length;
      }
      return correct / (10 * testLabels.length);
    };
    const singleAccuracy = expectedAccuracy(single.results[0].adversarial);
    const eotAccuracy = expectedAccuracy(eot.results[0].adversarial);
    expect(eotAccuracy).toBeLessThanOrEqual(singleAccuracy);
    tf.dispose([single.results[0].adversarial, eot.results[0].adversarial]);
  });
});
