import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../io/save-load';
import { tinyData, tinyDenseModel, weightValues } from './test-models';
import { trainWithNoise } from './train-with-noise';

const dir = mkdtempSync(join(tmpdir(), 'anl-resume-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One full batch per epoch and no shuffling: step k sees the same batch in both runs.
const data = tinyData(12, [4], 3);
const options = { method: 'none', batchSize: 12, shuffle: false, seed: 7 } as const;

async function train(model: LayersModel, epochs: number, optimizer?: tf.Optimizer) {
  await trainWithNoise(model, data, { ...options, epochs, ...(optimizer ? { optimizer } : {}) });
}

describe('a saved run resumes exactly', () => {
  it('Adam: N steps, save with includeOptimizer, load, M steps == N+M steps straight (bit for bit)', async () => {
    const straight = tinyDenseModel({ seed: 3 });
    await train(straight, 5, tf.train.adam(0.05));

    const first = tinyDenseModel({ seed: 3 });
    await train(first, 2, tf.train.adam(0.05));
    await saveModel(first, dir, { includeOptimizer: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const groups = manifest.weightsManifest[0].weights.map((w: { group?: string }) => w.group);
    // iter + first and second moment per trainable weight (6 weights).
    expect(groups.filter((g: string | undefined) => g === 'optimizer')).toHaveLength(1 + 2 * 6);
    expect(manifest.trainingConfig.optimizer_config.class_name).toBe('Adam');

    const resumed = await loadModel(dir);
    expect(resumed.optimizer?.iterations).toBe(2);
    await train(resumed, 3); // the compiled (restored) optimizer

    const a = weightValues(straight);
    const b = weightValues(resumed);
    expect(b).toHaveLength(a.length);
    for (let i = 0; i < a.length; i++) expect(Array.from(b[i])).toEqual(Array.from(a[i]));
  });

  it('momentum and rmsprop resume bit for bit too', async () => {
    for (const make of [() => tf.train.momentum(0.05, 0.9), () => tf.train.rmsprop(0.01, 0.9, 0.5)]) {
      const straight = tinyDenseModel({ seed: 4 });
      await train(straight, 4, make());
      const first = tinyDenseModel({ seed: 4 });
      await train(first, 2, make());
      await saveModel(first, dir, { includeOptimizer: true });
      const resumed = await loadModel(dir);
      await train(resumed, 2);
      const a = weightValues(straight).map((w) => Array.from(w));
      expect(weightValues(resumed).map((w) => Array.from(w))).toEqual(a);
    }
  });

  it('without the optimizer state the resumed run differs (the check above can fail)', async () => {
    const straight = tinyDenseModel({ seed: 3 });
    await train(straight, 5, tf.train.adam(0.05));
    const first = tinyDenseModel({ seed: 3 });
    await train(first, 2, tf.train.adam(0.05));
    await saveModel(first, dir);
    const resumed = await loadModel(dir);
    await train(resumed, 3, tf.train.adam(0.05));
    const a = weightValues(straight).map((w) => Array.from(w));
    const b = weightValues(resumed).map((w) => Array.from(w));
    expect(b).not.toEqual(a);
  });
});
