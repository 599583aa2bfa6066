import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { findNoiseLayers } from '../layers/find-noise-layers';
import { insertNoiseLayers } from './insert-noise-layers';
import { stripNoiseLayers } from './strip-noise-layers';
import { maxAbsDiff, predict, randomizeWeights } from './test-models.test-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Block = 'dense' | 'bn' | 'relu' | 'residual';

/** A functional net from a list of blocks; `residual` adds a dense branch back onto its input. */
function buildNet(blocks: Block[]): tf.LayersModel {
  const x = tf.input({ shape: [6] });
  let h = tf.layers.dense({ units: 5 }).apply(x) as tf.SymbolicTensor;
  for (const block of blocks) {
    if (block === 'dense') h = tf.layers.dense({ units: 5 }).apply(h) as tf.SymbolicTensor;
    if (block === 'bn') h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
    if (block === 'relu') h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
    if (block === 'residual') {
      const branch = tf.layers.dense({ units: 5 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.add().apply([h, branch]) as tf.SymbolicTensor;
    }
  }
  const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor });
  randomizeWeights(model, 3);
  return model;
}

describe('insert then strip, on random functional nets', () => {
  it('adds one noise layer per selected layer and never changes predictions', () => {
    const blockArb = fc.constantFrom<Block>('dense', 'bn', 'relu', 'residual');
    fc.assert(
      fc.property(
        fc.array(blockArb, { minLength: 1, maxLength: 5 }),
        fc.subarray(['Dense', 'BatchNormalization', 'ReLU', 'Add'], { minLength: 1 }),
        fc.boolean(),
        (blocks, classes, input) => {
          const model = buildNet(blocks);
          const selected = model.layers.filter((l) => classes.includes(l.getClassName())).length;
          if (selected === 0) {
            const refused = expect.objectContaining({ code: 'NOT_FOUND', argument: 'options.after' });
            expect(() => insertNoiseLayers(model, { after: classes, input })).toThrow(refused);
            return;
          }
          const noisy = insertNoiseLayers(model, { after: classes, input });
          expect(findNoiseLayers(noisy)).toHaveLength(selected + (input ? 1 : 0));
          const clean = stripNoiseLayers(noisy);
          expect(findNoiseLayers(clean)).toHaveLength(0);
          expect(clean.layers.map((l) => l.getClassName())).toEqual(
            model.layers.map((l) => l.getClassName()),
          );
          const x = tf.randomNormal([3, 6], 0, 1, 'float32', 4);
          const [a, b, c] = [predict(model, x), predict(noisy, x), predict(clean, x)];
          expect(maxAbsDiff(a, b)).toBe(0);
          expect(maxAbsDiff(a, c)).toBeLessThan(1e-6);
          tf.dispose([x, a, b, c]);
          clean.dispose();
        },
      ),
      { numRuns: 15 },
    );
  });
});
