import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findNoiseLayers, isNoiseLayer } from './find-noise-layers';
import { noiseLayer } from './noise-layer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('findNoiseLayers', () => {
  it('lists a Sequential model’s noise layers in order', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3 }),
        noiseLayer({ name: 'first' }),
        tf.layers.dense({ units: 3 }),
        noiseLayer({ name: 'second' }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    expect(findNoiseLayers(model).map((l) => l.name)).toEqual(['first', 'second']);
    model.dispose();
  });

  it('orders a branching functional model so every layer comes after the ones feeding it', () => {
    const x = tf.input({ shape: [4] });
    const a = noiseLayer({ name: 'na' }).apply(tf.layers.dense({ units: 3 }).apply(x)) as tf.SymbolicTensor;
    const b = noiseLayer({ name: 'nb' }).apply(
      tf.layers.dense({ units: 3 }).apply(tf.layers.dense({ units: 3 }).apply(x)),
    ) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const after = noiseLayer({ name: 'after_add' }).apply(sum) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1 }).apply(after) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: out });
    const names = findNoiseLayers(model).map((l) => l.name);
    expect(names).toHaveLength(3);
    expect(new Set(names.slice(0, 2))).toEqual(new Set(['na', 'nb']));
    expect(names[2]).toBe('after_add');
    model.dispose();
  });

  it('looks inside nested models', () => {
    const inner = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 4 }), noiseLayer({ name: 'inner_noise' })],
    });
    const x = tf.input({ shape: [4] });
    const y = noiseLayer({ name: 'outer_noise' }).apply(inner.apply(x)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: y });
    expect(findNoiseLayers(model).map((l) => l.name)).toEqual(['inner_noise', 'outer_noise']);
    model.dispose();
  });

  it('returns nothing for a model without noise layers', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    expect(findNoiseLayers(model)).toEqual([]);
    model.dispose();
  });

  it('refuses something that is not a LayersModel', () => {
    const refused = expect.objectContaining({
      name: 'AnlError',
      code: 'INVALID_ARGUMENT',
      argument: 'model',
    });
    expect(() => findNoiseLayers({ layers: [] } as never)).toThrow(refused);
    expect(() => findNoiseLayers(tf.layers.dense({ units: 1 }) as never)).toThrow(refused);
  });
});

describe('isNoiseLayer', () => {
  it('tells noise layers from other layers and values', () => {
    expect(isNoiseLayer(noiseLayer())).toBe(true);
    expect(isNoiseLayer(tf.layers.gaussianNoise({ stddev: 1 }))).toBe(false);
    expect(isNoiseLayer(null)).toBe(false);
    expect(isNoiseLayer({})).toBe(false);
  });
});
