import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ParametricNoiseLayer, parametricNoiseLayer } from './parametric-noise-layer';
import { registerAnlLayers } from './register';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerAnlLayers();
});

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

function stdOf(t: tf.Tensor): number {
  return tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0]));
}

describe('ParametricNoiseLayer (PNI activation noise)', () => {
  it('starts with one trainable alpha = 0.25 (layer-wise) or one per channel', () => {
    const layer = parametricNoiseLayer();
    layer.apply(tf.input({ shape: [4, 4, 3] }));
    expect(layer.trainableWeights).toHaveLength(1);
    expect(Array.from(layer.getWeights()[0].dataSync())).toEqual([0.25]);
    const perChannel = parametricNoiseLayer({ granularity: 'channel', alphaInit: 0.1 });
    perChannel.apply(tf.input({ shape: [4, 4, 3] }));
    expect(Array.from(perChannel.getWeights()[0].dataSync())).toEqual([0.1, 0.1, 0.1].map(Math.fround));
  });

  it('element-wise alpha has the sample shape and scales each element by its own alpha', () => {
    const layer = parametricNoiseLayer({ granularity: 'element', alphaInit: 0.5, seed: 4 });
    layer.apply(tf.input({ shape: [2, 3] }));
    expect(layer.getWeights()[0].shape).toEqual([2, 3]);
    // alpha 0 on every element but one: only that element of each sample is noisy.
    layer.setWeights([
      tf.tensor([
        [0, 0, 0],
        [0, 1, 0],
      ]),
    ]);
    const h = tf.randomNormal([5, 2, 3], 0, 1, 'float32', 6);
    const diff = tf.sub(layer.apply(h, { training: true }) as tf.Tensor, h).arraySync() as number[][][];
    for (const sample of diff) {
      sample.forEach((row, i) => {
        row.forEach((v, j) => {
          if (i === 1 && j === 1) expect(v).not.toBe(0);
          else expect(v).toBe(0);
        });
      });
    }
    const unknown = parametricNoiseLayer({ granularity: 'element', name: 'el' });
    expect(() => unknown.apply(tf.input({ shape: [null, 3] as never }))).toThrow(
      refused('INVALID_ARGUMENT', 'input shape of layer el'),
    );
    tf.dispose(h);
  });

  it('draws the same noise again after resetNoise(seed)', () => {
    const layer = parametricNoiseLayer({ seed: 11 });
    const h = tf.randomNormal([4, 5], 0, 1, 'float32', 2);
    const a = (layer.apply(h, { training: true }) as tf.Tensor).dataSync();
    const b = (layer.apply(h, { training: true }) as tf.Tensor).dataSync();
    expect(Array.from(b)).not.toEqual(Array.from(a));
    layer.resetNoise(11);
    expect(Array.from((layer.apply(h, { training: true }) as tf.Tensor).dataSync())).toEqual(Array.from(a));
  });

  it('adds noise of std alpha * std(h), in training and (by default) at inference', () => {
    const layer = parametricNoiseLayer();
    const h = tf.randomNormal([50, 200], 1, 2, 'float32', 3);
    const sh = stdOf(h);
    for (const training of [true, false]) {
      const out = layer.apply(h, { training }) as tf.Tensor;
      const noise = tf.sub(out, h);
      // 10 000 draws: the std of the noise is within ~1% of 0.25 * std(h).
      expect(Math.abs(stdOf(noise) / (0.25 * sh) - 1)).toBeLessThan(0.03);
      tf.dispose([out, noise]);
    }
    h.dispose();
  });

  it('is the identity at inference when activeAtInference is false', () => {
    const layer = parametricNoiseLayer({ activeAtInference: false });
    const h = tf.randomNormal([4, 5]);
    const out = layer.apply(h) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual(Array.from(h.dataSync()));
    const trained = layer.apply(h, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(trained, h))).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([h, out, trained]);
  });

  it('passes gradients to h unchanged (std is detached) and gives d/dalpha = sum(noise)/alpha for loss sum(out)', () => {
    const layer = parametricNoiseLayer();
    const h = tf.randomNormal([3, 6], 0, 1.5, 'float32', 8);
    layer.apply(h); // build
    const dh = tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x, { training: true }) as tf.Tensor))(h);
    expect(Array.from(dh.dataSync())).toEqual(new Array(18).fill(1));

    let noise: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.apply(h, { training: true }) as tf.Tensor;
      noise = tf.keep(tf.sub(out, h));
      return tf.sum(out) as tf.Scalar;
    });
    const alphaName = layer.trainableWeights[0].name;
    const expected = tf.sum(noise!).dataSync()[0] / 0.25;
    expect(grads[alphaName].dataSync()[0]).toBeCloseTo(expected, 4);
    tf.dispose([h, dh, noise!, value, ...Object.values(grads)]);
  });

  it('learns alpha with model.fit, without leaking tensors', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 8 }),
        parametricNoiseLayer(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([32, 4], 0, 1, 'float32', 1);
    const ys = tf.randomNormal([32, 1], 0, 1, 'float32', 2);
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    const before = tf.memory().numTensors;
    await model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const alpha = model.layers[1].getWeights()[0].dataSync()[0];
    expect(alpha).not.toBe(0.25);
    tf.dispose([xs, ys]);
  });

  it('round-trips through save + loadLayersModel with alpha', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 2 }),
        parametricNoiseLayer({ granularity: 'channel', alphaInit: 0.5, activeAtInference: false }),
      ],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const layer = loaded.layers[1] as ParametricNoiseLayer;
    expect(layer).toBeInstanceOf(ParametricNoiseLayer);
    expect([layer.granularity, layer.activeAtInference, layer.alphaInit]).toEqual(['channel', false, 0.5]);
    expect(Array.from(layer.getWeights()[0].dataSync())).toEqual([0.5, 0.5]);
  });

  it('refuses a bad config', () => {
    expect(() => parametricNoiseLayer({ alphaInit: Number.POSITIVE_INFINITY })).toThrow(
      refused('INVALID_ARGUMENT', 'config.alphaInit'),
    );
    expect(() => parametricNoiseLayer({ granularity: 'pixel' as never })).toThrow(
      refused('INVALID_ARGUMENT', 'config.granularity'),
    );
    expect(() => parametricNoiseLayer({ activeAtInference: 1 as never })).toThrow(
      refused('INVALID_ARGUMENT', 'config.activeAtInference'),
    );
    const perChannel = parametricNoiseLayer({ granularity: 'channel', name: 'pc' });
    expect(() => perChannel.apply(tf.zeros([3]))).toThrow(
      refused('INVALID_ARGUMENT', 'input shape of layer pc'),
    );
  });
});
