import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findNoiseLayers, isNoiseLayer } from '../layers/find-noise-layers';
import { withNoiseInjector } from '../layers/noise-context';
import { NoiseLayer } from '../layers/noise-layer';
import { insertNoiseLayers } from './insert-noise-layers';
import { maxAbsDiff, predict, residualNet, sequentialCnn, twoInputNet } from './test-models.test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

/** The class names of `model`'s layers in order, with noise layers shown as `+noise`. */
function outline(model: tf.LayersModel): string[] {
  return model.layers.map((l) => (isNoiseLayer(l) ? '+noise' : l.getClassName()));
}

/** Names the noise layers are handed to an injector in, during one training-mode forward pass. */
function injectionOrder(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[]): string[] {
  const seen: string[] = [];
  const out = withNoiseInjector(
    {
      inject(name, h) {
        seen.push(name);
        return tf.add(h, 1);
      },
    },
    () => model.apply(x, { training: true }) as tf.Tensor,
  );
  out.dispose();
  return seen;
}

describe('insertNoiseLayers on a Sequential CNN', () => {
  it('puts a noise layer after every BatchNormalization and predicts exactly as before', () => {
    const model = sequentialCnn();
    const noisy = insertNoiseLayers(model, { after: 'BatchNormalization' });
    expect(noisy).toBeInstanceOf(tf.Sequential);
    expect(outline(noisy)).toEqual([
      'InputLayer',
      'Conv2D',
      'BatchNormalization',
      '+noise',
      'Activation',
      'MaxPooling2D',
      'Conv2D',
      'BatchNormalization',
      '+noise',
      'Activation',
      'Flatten',
      'Dense',
    ]);
    expect(findNoiseLayers(noisy).map((l) => l.name)).toEqual(['bn1/anl_noise', 'bn2/anl_noise']);
    const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 3);
    const before = predict(model, x);
    const after = predict(noisy, x);
    expect(maxAbsDiff(before, after)).toBe(0);
    tf.dispose([x, before, after]);
  });

  it('shares weights with the original model', () => {
    const model = sequentialCnn();
    const noisy = insertNoiseLayers(model, { after: ['Conv2D', 'Dense'] });
    expect(findNoiseLayers(noisy).map((l) => l.name)).toEqual([
      'conv1/anl_noise',
      'conv2/anl_noise',
      'logits/anl_noise',
    ]);
    expect(noisy.getLayer('conv1')).toBe(model.getLayer('conv1'));
    expect(noisy.weights.map((w) => w.name)).toEqual(model.weights.map((w) => w.name));
  });

  it('accepts a predicate and adds input noise first when asked', () => {
    const model = sequentialCnn();
    const noisy = insertNoiseLayers(model, {
      after: (layer) => layer.name === 'conv2',
      input: true,
      method: 'gaussian',
      stddev: 0.1,
    });
    const noise = findNoiseLayers(noisy);
    expect(noise.map((l) => l.name)).toEqual(['conv1_input/anl_noise', 'conv2/anl_noise']);
    expect(noise.every((l) => l.method === 'gaussian' && l.stddev === 0.1)).toBe(true);
    const x = tf.randomNormal([2, 8, 8, 1]);
    expect(injectionOrder(noisy, x)).toEqual(['conv1_input/anl_noise', 'conv2/anl_noise']);
    x.dispose();
  });

  it('can put noise on the input only', () => {
    const noisy = insertNoiseLayers(sequentialCnn(), { input: true });
    expect(outline(noisy).slice(0, 3)).toEqual(['InputLayer', '+noise', 'Conv2D']);
  });
});

describe('insertNoiseLayers on functional models', () => {
  it('keeps a residual add wired and predicts exactly as before', () => {
    const model = residualNet();
    const noisy = insertNoiseLayers(model, { after: ['Conv2D', 'BatchNormalization'], input: true });
    const names = findNoiseLayers(noisy).map((l) => l.name);
    expect(names).toEqual([
      'image/anl_noise',
      'res_conv/anl_noise',
      'res_bn/anl_noise',
      'head_conv/anl_noise',
    ]);
    // The residual add now reads the noisy input and the branch; the head conv reads the sum.
    const add = noisy.getLayer('res_add');
    const inbound = add.inboundNodes[add.inboundNodes.length - 1].inboundLayers.map((l) => l.name);
    expect(inbound).toEqual(['image/anl_noise', 'res_relu']);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 5);
    const before = predict(model, x);
    const after = predict(noisy, x);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-6);
    expect(injectionOrder(noisy, x)).toEqual(names);
    tf.dispose([x, before, after]);
  });

  it('handles two inputs and a layer called twice (one noise layer per call)', () => {
    const model = twoInputNet();
    const noisy = insertNoiseLayers(model, { after: 'Dense', input: true });
    const names = findNoiseLayers(noisy).map((l) => l.name);
    expect(names).toHaveLength(5);
    expect(new Set(names)).toEqual(
      new Set(['a/anl_noise', 'b/anl_noise', 'shared/anl_noise', 'shared/anl_noise_1', 'head/anl_noise']),
    );
    const xs = [tf.randomNormal([3, 4], 0, 1, 'float32', 1), tf.randomNormal([3, 4], 0, 1, 'float32', 2)];
    const before = predict(model, xs);
    const after = predict(noisy, xs);
    expect(maxAbsDiff(before, after)).toBe(0);
    // With +1 injected everywhere the output changes: the noise layers are on the path.
    const seen: string[] = [];
    const moved = withNoiseInjector(
      {
        inject(name, h) {
          seen.push(name);
          return tf.add(h, 1);
        },
      },
      () => noisy.apply(xs, { training: true }) as tf.Tensor,
    );
    expect(new Set(seen)).toEqual(new Set(names));
    expect(maxAbsDiff(before, moved)).toBeGreaterThan(1e-3);
    tf.dispose([...xs, before, after, moved]);
  });
});

describe('insertNoiseLayers refuses bad input before building anything', () => {
  it('a selector that matches nothing names itself and the available classes', () => {
    const model = sequentialCnn();
    const call = () => insertNoiseLayers(model, { after: 'LayerNormalization' });
    expect(call).toThrow(refused('NOT_FOUND', 'options.after'));
    expect(call).toThrow(
      /LayerNormalization.*Conv2D, BatchNormalization, Activation, MaxPooling2D, Flatten, Dense/,
    );
    expect(() => insertNoiseLayers(model, { after: () => false })).toThrow(
      refused('NOT_FOUND', 'options.after'),
    );
  });

  it('bad arguments get INVALID_ARGUMENT naming them', () => {
    const model = sequentialCnn();
    expect(() => insertNoiseLayers({} as never, { after: 'Dense' })).toThrow(
      refused('INVALID_ARGUMENT', 'model'),
    );
    expect(() => insertNoiseLayers(model, null as never)).toThrow(refused('INVALID_ARGUMENT', 'options'));
    expect(() => insertNoiseLayers(model, {})).toThrow(refused('INVALID_ARGUMENT', 'options.after'));
    expect(() => insertNoiseLayers(model, { after: [] })).toThrow(
      refused('INVALID_ARGUMENT', 'options.after'),
    );
    expect(() => insertNoiseLayers(model, { after: 3 as never })).toThrow(
      refused('INVALID_ARGUMENT', 'options.after'),
    );
    expect(() => insertNoiseLayers(model, { after: 'Dense', input: 'yes' as never })).toThrow(
      refused('INVALID_ARGUMENT', 'options.input'),
    );
    expect(() => insertNoiseLayers(model, { after: 'Dense', stddev: -0.1 })).toThrow(
      refused('INVALID_ARGUMENT', 'config.stddev'),
    );
    expect(() => insertNoiseLayers(model, { after: () => 1 as never })).toThrow(
      refused('INVALID_ARGUMENT', 'options.after(layer conv1)'),
    );
    const unbuilt = tf.sequential();
    expect(() => insertNoiseLayers(unbuilt, { after: 'Dense' })).toThrow(
      refused('INVALID_ARGUMENT', 'model'),
    );
  });

  it('does not add noise layers to the original model', () => {
    const model = residualNet();
    insertNoiseLayers(model, { after: 'Conv2D' });
    expect(model.layers.some((l) => l instanceof NoiseLayer)).toBe(false);
  });
});

describe('insertNoiseLayers and training', () => {
  it('trains the shared weights: fitting the noisy model changes the original’s predictions', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.dense({ units: 1 })],
    });
    const noisy = insertNoiseLayers(model, { after: 'Dense', stddev: 0.1 });
    noisy.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([16, 4], 0, 1, 'float32', 1);
    const ys = tf.randomNormal([16, 1], 0, 1, 'float32', 2);
    const before = predict(model, xs);
    await noisy.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0 });
    const afterOriginal = predict(model, xs);
    const afterNoisy = predict(noisy, xs);
    expect(maxAbsDiff(before, afterOriginal)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(afterOriginal, afterNoisy)).toBe(0);
    tf.dispose([xs, ys, before, afterOriginal, afterNoisy]);
  });

  it('can be applied to a model that already has noise layers, with fresh names', () => {
    const once = insertNoiseLayers(sequentialCnn(), { after: 'Conv2D' });
    const twice = insertNoiseLayers(once, { after: 'Conv2D' });
    const names = findNoiseLayers(twice).map((l) => l.name);
    expect(names).toEqual(['conv1/anl_noise_1', 'conv1/anl_noise', 'conv2/anl_noise_1', 'conv2/anl_noise']);
  });
});
