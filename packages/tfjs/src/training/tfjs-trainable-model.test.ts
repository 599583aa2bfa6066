import '@tensorflow/tfjs-backend-cpu';
import { AnlError, type PassRequest } from '@anl/core';
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, input, layers, sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { noiseLayer } from '../layers/noise-layer';
import { pseudoRandom, tinyConvModel, tinyData, tinyDenseModel, weightValues } from './test-models';
import { TfjsTrainableModel } from './tfjs-trainable-model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function request(
  x: tf.Tensor,
  y: tf.Tensor,
  noise: PassRequest<tf.Tensor>['noise'],
  weightGradients: boolean,
  noiseGradients: boolean,
): PassRequest<tf.Tensor> {
  return { x, y, batchSize: x.shape[0], noise, weightGradients, noiseGradients };
}

const noNoise = () => null;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('TfjsTrainableModel', () => {
  it('gradientScale scales every gradient (weights and noise points) and leaves the loss as it is', () => {
    const model = tinyDenseModel({ hidden: 6, seed: 4 });
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(5, [4], 3, 2);
    const eta = () => tf.fill([5, 6], 0.05);
    const pass = (scale: number) => {
      trainable.gradientScale = scale;
      const r = trainable.doPass(request(xs, ys, eta, true, true));
      trainable.gradientScale = 1;
      return {
        loss: r.loss.dataSync()[0],
        weights: Object.values(r.weightGradients ?? {}).map((g) => g.dataSync().slice()),
        noise: (r.noiseGradients ?? []).map((g) => g.dataSync().slice()),
        dispose: () =>
          tf.dispose([r.loss, ...Object.values(r.weightGradients ?? {}), ...(r.noiseGradients ?? [])]),
      };
    };
    const before = tf.memory().numTensors;
    const one = pass(1);
    const quarter = pass(0.25);
    expect(quarter.loss).toBe(one.loss);
    expect(one.weights.length).toBe(model.trainableWeights.length);
    expect(one.noise.length).toBe(2);
    for (const [a, b] of [
      ...one.weights.map((w, i) => [w, quarter.weights[i]]),
      ...one.noise.map((g, i) => [g, quarter.noise[i]]),
    ]) {
      expect(a.some((v) => v !== 0)).toBe(true);
      a.forEach((v, j) => {
        expect(b[j]).toBeCloseTo(0.25 * v, 7);
      });
    }
    one.dispose();
    quarter.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
  });

  it('lists the noise layers as noise points with their per-sample shapes, in forward order', () => {
    const model = tinyDenseModel({ hidden: 6 });
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.1) });
    expect(trainable.noisePoints.map((p) => p.sampleShape)).toEqual([[6], [6]]);
    expect(trainable.noisePoints.map((p) => p.name)).toEqual(
      model.layers.filter((l) => l.getClassName() === 'anl>Noise').map((l) => l.name),
    );
    const conv = new TfjsTrainableModel(tinyConvModel(), { optimizer: tf.train.sgd(0.1) });
    expect(conv.noisePoints[0].sampleShape).toEqual([6, 6, 4]);
  });

  it('adds eta as a constant: a noise computed from h gives the same weight gradients as that noise precomputed', () => {
    const model = tinyDenseModel();
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(6, [4], 3);
    // eta = 3h at the first point. If gradient flowed through eta, dJ/dh would be 4x dJ/dh_hat.
    const recorded: tf.Tensor[] = [];
    const fromH = trainable.doPass(
      request(
        xs,
        ys,
        (t, h) => {
          if (t !== 0) return null;
          const eta = tf.mul(h, 3);
          recorded.push(tf.keep(eta.clone()));
          return eta;
        },
        true,
        false,
      ),
    );
    const constant = recorded[0];
    const precomputed = trainable.doPass(request(xs, ys, (t) => (t === 0 ? constant : null), true, false));
    expect(fromH.loss.dataSync()[0]).toBeCloseTo(precomputed.loss.dataSync()[0], 6);
    for (const name of Object.keys(precomputed.weightGradients!)) {
      const a = fromH.weightGradients![name].dataSync();
      const b = precomputed.weightGradients![name].dataSync();
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    }
    tf.dispose([fromH.loss, precomputed.loss, constant, xs, ys]);
    trainable.disposeGradients(fromH.weightGradients!);
    trainable.disposeGradients(precomputed.weightGradients!);
  });

  it('the noise layer outputs h + eta exactly', () => {
    // input -> dense -> noise is the output, so the prediction observer sees h + eta.
    const model = sequential({ layers: [layers.dense({ inputShape: [4], units: 5 }), noiseLayer()] });
    const trainable = new TfjsTrainableModel(model, {
      optimizer: tf.train.sgd(0.1),
      loss: 'meanSquaredError',
    });
    const xs = tf.tensor2d(pseudoRandom(12, 3), [3, 4]);
    const ys = tf.zeros([3, 5]);
    const eta = tf.tensor2d([
      [0.5, -1, 0, 2, 0.25],
      [1, 1, 1, 1, 1],
      [-3, 0, 0, 0, 7],
    ]);
    let h: Float32Array | undefined;
    let out: Float32Array | undefined;
    trainable.predictionObserver = (_y, yPred) => {
      out = yPred.dataSync() as Float32Array;
    };
    const result = trainable.doPass(
      request(
        xs,
        ys,
        (_t, hh) => {
          h = hh.dataSync() as Float32Array;
          return eta;
        },
        true,
        false,
      ),
    );
    const expected = Float32Array.from(h!, (v, i) => v + eta.dataSync()[i]);
    expect(maxAbsDiff(out!, expected)).toBeLessThan(1e-6);
    // And h is the dense layer's output: x W + b.
    const plain = model.layers[0].apply(xs) as tf.Tensor;
    expect(maxAbsDiff(h!, plain.dataSync())).toBeLessThan(1e-6);
    trainable.disposeGradients(result.weightGradients!);
    tf.dispose([result.loss, eta, xs, ys, plain]);
  });

  it('dJ/dh_hat at a noise point matches a central finite difference of the loss', () => {
    const trainable = new TfjsTrainableModel(tinyDenseModel({ seed: 3 }), { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(4, [4], 3, 11);
    const pass = trainable.doPass(request(xs, ys, noNoise, false, true));
    expect(pass.weightGradients).toBeUndefined();
    const grads = pass.noiseGradients!.map((g) => g.dataSync());
    const delta = 1e-2;
    for (const point of [0, 1]) {
      const size = grads[point].length;
      for (const element of [0, 3, 7, size - 1]) {
        const lossWith = (sign: number) => {
          const bump = tf.buffer([4, 5]);
          bump.values[element] = sign * delta;
          const eta = bump.toTensor();
          const r = trainable.doPass(request(xs, ys, (t) => (t === point ? eta : null), false, false));
          const value = r.loss.dataSync()[0];
          tf.dispose([r.loss, eta]);
          return value;
        };
        const numeric = (lossWith(1) - lossWith(-1)) / (2 * delta);
        expect(Math.abs(numeric - grads[point][element])).toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
      }
    }
    tf.dispose([pass.loss, ...pass.noiseGradients!, xs, ys]);
  });

  it('one backward pass gives both weight and noise gradients, equal to those of separate passes', () => {
    const trainable = new TfjsTrainableModel(tinyDenseModel({ seed: 5 }), { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(5, [4], 3, 5);
    const eta = tf.fill([5, 5], 0.1);
    const noise = (t: number) => (t === 1 ? eta : null);
    const both = trainable.doPass(request(xs, ys, noise, true, true));
    const weightsOnly = trainable.doPass(request(xs, ys, noise, true, false));
    const noiseOnly = trainable.doPass(request(xs, ys, noise, false, true));
    for (const name of Object.keys(weightsOnly.weightGradients!)) {
      expect(
        maxAbsDiff(both.weightGradients![name].dataSync(), weightsOnly.weightGradients![name].dataSync()),
      ).toBeLessThan(1e-7);
    }
    both.noiseGradients!.forEach((g, i) => {
      expect(maxAbsDiff(g.dataSync(), noiseOnly.noiseGradients![i].dataSync())).toBeLessThan(1e-7);
    });
    for (const r of [both, weightsOnly, noiseOnly]) {
      tf.dispose([r.loss, ...(r.noiseGradients ?? [])]);
      if (r.weightGradients) trainable.disposeGradients(r.weightGradients);
    }
    tf.dispose([eta, xs, ys]);
  });

  it('a weight + noise pass takes dJ/dh_hat at a point with no weight upstream (the input) too', () => {
    // input -> noise -> dense(tanh) -> noise -> dense(softmax): point 0 sits before every weight.
    const model = sequential({
      layers: [
        noiseLayer({ inputShape: [4] }),
        layers.dense({ units: 5, activation: 'tanh', kernelInitializer: 'glorotUniform' }),
        noiseLayer(),
        layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(6, [4], 3, 3);
    const eta = tf.fill([6, 4], 0.05);
    const noise = (t: number) => (t === 0 ? eta : null);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const both = trainable.doPass(request(xs, ys, noise, true, true));
      const noiseOnly = trainable.doPass(request(xs, ys, noise, false, true));
      both.noiseGradients!.forEach((g, t) => {
        const want = noiseOnly.noiseGradients![t].dataSync();
        // Not all zero: the comparison would pass trivially otherwise.
        expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(1e-4);
        expect(maxAbsDiff(g.dataSync(), want)).toBeLessThan(1e-7);
      });
      tf.dispose([both.loss, noiseOnly.loss, ...both.noiseGradients!, ...noiseOnly.noiseGradients!]);
      trainable.disposeGradients(both.weightGradients!);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([eta, xs, ys]);
  });

  it('a model without noise layers answers a noise-gradient request with an empty list', () => {
    const model = sequential({
      layers: [layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })],
    });
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(4, [4], 3);
    for (const weights of [false, true]) {
      const pass = trainable.doPass(request(xs, ys, noNoise, weights, true));
      expect(pass.noiseGradients).toEqual([]);
      expect(Number.isFinite(pass.loss.dataSync()[0])).toBe(true);
      tf.dispose(pass.loss);
      if (pass.weightGradients) trainable.disposeGradients(pass.weightGradients);
    }
    tf.dispose([xs, ys]);
  });

  it('noise gradients cost no full-size Add (no probe is added to the activations)', async () => {
    const trainable = new TfjsTrainableModel(tinyDenseModel(), { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(4, [4], 3);
    const adds = async (weightGradients: boolean, noiseGradients: boolean) => {
      const info = await tf.profile(() => {
        const r = trainable.doPass(request(xs, ys, noNoise, weightGradients, noiseGradients));
        tf.dispose([r.loss, ...(r.noiseGradients ?? [])]);
        if (r.weightGradients) trainable.disposeGradients(r.weightGradients);
      });
      return info.kernels.filter((k) => k.name === 'Add').length;
    };
    // tinyDenseModel has two noise points; the anchor's two zero gradients add up in one scalar Add.
    expect(await adds(false, true)).toBe((await adds(false, false)) + 1);
    expect(await adds(true, true)).toBe((await adds(true, false)) + 1);
    tf.dispose([xs, ys]);
  });

  it('a noise-gradient-only pass (ANL round 1) runs no weight-gradient kernels; a weight pass does', async () => {
    // conv -> noise -> relu -> conv -> noise -> relu -> flatten -> dense: layers on both sides of the noise.
    const trainable = new TfjsTrainableModel(tinyConvModel(), { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(4, [8, 8, 1], 3);
    const kernelsOf = async (weightGradients: boolean, noiseGradients: boolean) => {
      const info = await tf.profile(() => {
        const r = trainable.doPass(request(xs, ys, noNoise, weightGradients, noiseGradients));
        tf.dispose([r.loss, ...(r.noiseGradients ?? [])]);
        if (r.weightGradients) trainable.disposeGradients(r.weightGradients);
      });
      const count = (name: string) => info.kernels.filter((k) => k.name === name).length;
      return {
        filter: count('Conv2DBackpropFilter'),
        input: count('Conv2DBackpropInput'),
        matMul: count('BatchMatMul'),
      };
    };
    const round1 = await kernelsOf(false, true);
    const round2 = await kernelsOf(true, false);
    expect(round1.filter).toBe(0);
    // Only the second conv's input gradient is needed to reach the first noise point.
    expect(round1.input).toBe(1);
    // Round 2: both filters; still no input gradient for the first conv (its input is the data).
    expect(round2.filter).toBe(2);
    expect(round2.input).toBe(1);
    // Dense: forward + dJ/dinput in round 1; forward + dJ/dinput + dJ/dkernel in round 2.
    expect(round1.matMul).toBe(2);
    expect(round2.matMul).toBe(3);
    // CANL/LAT ask for both at once: still one backward pass (the same kernels as round 2).
    expect(await kernelsOf(true, true)).toEqual(round2);
    tf.dispose([xs, ys]);
  });

  it('rejects noise of the wrong shape with SHAPE_MISMATCH', () => {
    const trainable = new TfjsTrainableModel(tinyDenseModel(), { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(3, [4], 3);
    const wrong = tf.zeros([3, 4]);
    const before = tf.memory().numTensors;
    expect(() => trainable.doPass(request(xs, ys, () => wrong, true, true))).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([wrong, xs, ys]);
  });

  it('a throwing optimizer leaves the weights as they were', () => {
    const model = tinyDenseModel();
    // Updates the first weight, then fails: the model must roll the first weight back.
    const failing = {
      applyGradients(grads: tf.NamedTensorMap) {
        const name = Object.keys(grads)[0];
        const variable = tf.engine().registeredVariables[name];
        variable.assign(tf.add(variable, 1));
        throw new Error('optimizer failed');
      },
    } as unknown as tf.Optimizer;
    const trainable = new TfjsTrainableModel(model, { optimizer: failing });
    const { xs, ys } = tinyData(3, [4], 3);
    const before = weightValues(model);
    const r = trainable.doPass(request(xs, ys, noNoise, true, false));
    expect(() => trainable.doApplyGradients(r.weightGradients!)).toThrow('optimizer failed');
    weightValues(model).forEach((w, i) => {
      expect(Array.from(w)).toEqual(Array.from(before[i]));
    });
    trainable.disposeGradients(r.weightGradients!);
    tf.dispose([r.loss, xs, ys]);
  });

  it('applies gradients with the optimizer: one SGD step moves each weight by -lr * gradient', () => {
    const model = tinyDenseModel();
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.5) });
    const { xs, ys } = tinyData(3, [4], 3);
    const before = weightValues(model);
    const r = trainable.doPass(request(xs, ys, noNoise, true, false));
    const grads = trainable.trainableVariables().map((v) => r.weightGradients![v.name].dataSync());
    trainable.doApplyGradients(r.weightGradients!);
    weightValues(model).forEach((w, i) => {
      const expected = Float32Array.from(before[i], (v, j) => v - 0.5 * grads[i][j]);
      expect(maxAbsDiff(w, expected)).toBeLessThan(1e-6);
    });
    trainable.disposeGradients(r.weightGradients!);
    tf.dispose([r.loss, xs, ys]);
  });

  it('adds the layers’ regularisation losses to the loss', () => {
    const model = sequential({
      layers: [
        layers.dense({ inputShape: [2], units: 2, kernelRegularizer: 'l1l2', useBias: false }),
        layers.activation({ activation: 'softmax' }),
      ],
    });
    model.layers[0].setWeights([
      tf.tensor2d([
        [1, -2],
        [0.5, 0],
      ]),
    ]);
    const plain = sequential({
      layers: [
        layers.dense({ inputShape: [2], units: 2, useBias: false }),
        layers.activation({ activation: 'softmax' }),
      ],
    });
    plain.layers[0].setWeights([
      tf.tensor2d([
        [1, -2],
        [0.5, 0],
      ]),
    ]);
    const x = tf.tensor2d([[1, 1]]);
    const y = tf.tensor2d([[1, 0]]);
    const lossOf = (m: typeof model) => {
      const r = new TfjsTrainableModel(m, { optimizer: tf.train.sgd(0.1) }).doPass(
        request(x, y, noNoise, false, false),
      );
      const v = r.loss.dataSync()[0];
      r.loss.dispose();
      return v;
    };
    // tfjs' default l1l2 regulariser: 0.01 * sum|w| + 0.01 * sum w^2 = 0.01 * 3.5 + 0.01 * 5.25.
    expect(lossOf(model) - lossOf(plain)).toBeCloseTo(0.0875, 5);
    tf.dispose([x, y]);
  });

  it('uses the model’s compiled loss when no loss is given', () => {
    const model = tinyDenseModel();
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const trainable = new TfjsTrainableModel(model, { optimizer: tf.train.sgd(0.1) });
    const { xs, ys } = tinyData(3, [4], 3);
    const r = trainable.doPass(request(xs, ys, noNoise, false, false));
    const yPred = model.predict(xs) as tf.Tensor;
    const p = yPred.dataSync() as Float32Array;
    const y = ys.dataSync() as Float32Array;
    const mse = p.reduce((sum, v, i) => sum + (v - y[i]) ** 2, 0) / p.length;
    expect(r.loss.dataSync()[0]).toBeCloseTo(mse, 6);
    tf.dispose([r.loss, yPred, xs, ys]);
  });

  it('rejects a missing optimizer and a model with several outputs', () => {
    expect(() => new TfjsTrainableModel(tinyDenseModel(), {} as never)).toThrowError(AnlError);
    expect(() => new TfjsTrainableModel(tinyDenseModel(), { optimizer: undefined as never })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'optimizer' }),
    );
    const x = input({ shape: [4] });
    const twoHeads = functionalModel({
      inputs: x,
      outputs: [layers.dense({ units: 2 }).apply(x) as never, layers.dense({ units: 3 }).apply(x) as never],
    });
    expect(() => new TfjsTrainableModel(twoHeads, { optimizer: tf.train.sgd(0.1) })).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED', argument: 'model' }),
    );
  });
});
