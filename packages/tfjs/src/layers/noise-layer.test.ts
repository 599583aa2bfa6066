import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { withNoiseInjector } from './noise-context';
import { NoiseLayer, noiseLayer } from './noise-layer';
import { registerAnlLayers } from './register';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerAnlLayers();
});

function expectAnlError(fn: () => unknown, code: string, argument: string) {
  expect(fn).toThrow(expect.objectContaining({ name: 'AnlError', code, argument }));
}

describe('NoiseLayer', () => {
  it('is the identity at inference and in training with no injector and stddev 0', () => {
    const layer = noiseLayer();
    const x = tf.randomNormal([3, 4, 4, 2]);
    const inference = layer.apply(x) as tf.Tensor;
    const training = layer.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(inference.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from(training.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, inference, training]);
  });

  it('hands its input to the active injector in training, by its name, and never at inference', () => {
    const layer = noiseLayer({ name: 'n1' });
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const calls: string[] = [];
    const injector = {
      inject(name: string, h: tf.Tensor) {
        calls.push(name);
        return tf.mul(h, 10);
      },
    };
    const [trained, inferred] = withNoiseInjector(injector, () => [
      layer.apply(x, { training: true }) as tf.Tensor,
      layer.apply(x, { training: false }) as tf.Tensor,
    ]);
    expect(Array.from(trained.dataSync())).toEqual([10, 20, 30, 40]);
    expect(Array.from(inferred.dataSync())).toEqual([1, 2, 3, 4]);
    expect(calls).toEqual(['n1']);
    tf.dispose([x, trained, inferred]);
  });

  it('adds N(0, stddev^2) in training when configured standalone and no injector is active', () => {
    const layer = noiseLayer({ method: 'gaussian', stddev: 0.5 });
    const x = tf.fill([100, 100], 3);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const noise = tf.sub(y, x);
    const { mean, variance } = tf.moments(noise);
    // 10 000 draws: standard error of the mean 0.005, of the std about 0.0035.
    expect(Math.abs(mean.dataSync()[0])).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance.dataSync()[0]) - 0.5)).toBeLessThan(0.02);
    const inferred = layer.apply(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(inferred, x))).dataSync()[0]).toBe(0);
    tf.dispose([x, y, noise, mean, variance, inferred]);
  });

  it('keeps the input shape and has no weights', () => {
    const layer = noiseLayer();
    expect(layer.computeOutputShape([null, 8, 8, 3])).toEqual([null, 8, 8, 3]);
    const input = tf.input({ shape: [8, 8, 3] });
    const output = layer.apply(input) as tf.SymbolicTensor;
    expect(output.shape).toEqual([null, 8, 8, 3]);
    expect(layer.countParams()).toBe(0);
  });

  it('accepts exactly what getConfig returns', () => {
    const layer = noiseLayer({ name: 'noise_a', method: 'canl', stddev: 0.1 });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'noise_a', method: 'canl', stddev: 0.1, trainable: true });
    const copy = new NoiseLayer(config as never);
    expect(copy.getConfig()).toEqual(config);
  });

  it('gives unique default names', () => {
    const a = noiseLayer();
    const b = noiseLayer();
    expect(a.name).toMatch(/^anl_noise_\d+$/);
    expect(a.name).not.toBe(b.name);
  });

  it('round-trips through toJSON + modelFromJSON and save + loadLayersModel', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3 }),
        noiseLayer({ method: 'lat', stddev: 0.2 }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const json = model.toJSON(undefined, false) as unknown as {
      config: { layers: { class_name: string }[] };
    };
    expect(json.config.layers.map((l) => l.class_name)).toContain('anl>Noise');
    const fromJson = await tf.models.modelFromJSON({
      modelTopology: model.toJSON(undefined, false) as never,
    });
    const rebuilt = fromJson.layers[1] as NoiseLayer;
    expect(rebuilt).toBeInstanceOf(NoiseLayer);
    expect(rebuilt.method).toBe('lat');
    expect(rebuilt.stddev).toBe(0.2);

    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = tf.randomNormal([5, 4]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    tf.dispose([x, a, b]);
    model.dispose();
    fromJson.dispose();
    loaded.dispose();
  });

  it('trains with plain model.fit (standalone Gaussian) without leaking', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3 }),
        noiseLayer({ stddev: 0.1 }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.randomNormal([16, 4]);
    const ys = tf.randomNormal([16, 1]);
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
    const before = tf.memory().numTensors;
    await model.fit(xs, ys, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('does not leak tensors across many calls', () => {
    const layer = noiseLayer({ stddev: 0.3 });
    const x = tf.randomNormal([2, 8]);
    const run = () => tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses a bad config with a typed error', () => {
    expectAnlError(() => noiseLayer({ stddev: -1 }), 'INVALID_ARGUMENT', 'config.stddev');
    expectAnlError(() => noiseLayer({ stddev: Number.NaN }), 'INVALID_ARGUMENT', 'config.stddev');
    expectAnlError(() => noiseLayer({ method: 'bogus' as never }), 'UNKNOWN_METHOD', 'config.method');
    expectAnlError(() => noiseLayer({ name: '' }), 'INVALID_ARGUMENT', 'config.name');
    expectAnlError(() => noiseLayer(null as never), 'INVALID_ARGUMENT', 'config');
  });

  it('refuses to be called on two tensors', () => {
    const layer = noiseLayer({ name: 'two' });
    const x = tf.zeros([1, 2]);
    expectAnlError(() => layer.apply([x, x]), 'INVALID_ARGUMENT', 'inputs of layer two');
    x.dispose();
  });
});
