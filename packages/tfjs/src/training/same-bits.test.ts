import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyData, tinyDenseModel } from './test-models';
import { trainWithNoise } from './train-with-noise';

/**
 * Same seed, same bits: the weights after a few steps of every built-in method, on the cpu backend,
 * must equal the ones recorded (by the code before the method registry and the core fit loop) in
 * fixtures/same-bits.json. A refactor that changes one float anywhere fails here.
 * Regenerate only on purpose: ANL_WRITE_SAME_BITS=1 npx vitest run src/training/same-bits.test.ts
 */
const FIXTURE = new URL('./fixtures/same-bits.json', import.meta.url);
const CASES = [
  { method: 'none', extra: {} },
  { method: 'anl', extra: {} },
  { method: 'canl', extra: {} },
  { method: 'lat', extra: {} },
  { method: 'gaussian', extra: {} },
  { method: 'anp', extra: {} },
  { method: 'anl', extra: { std: 'running' }, label: 'anl-running-std' },
  {
    method: 'lat',
    extra: { noiseEpochs: 1, learningRate: (epoch: number) => 0.2 / (epoch + 1), validation: true },
    label: 'lat-schedule-validation',
  },
] as const;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function trainedWeights(method: string, extra: Record<string, unknown>) {
  const model = tinyDenseModel({ hidden: 6, seed: 3 });
  const data = tinyData(20, [4], 3, 11);
  const val = tinyData(6, [4], 3, 12);
  const { validation, ...rest } = extra;
  const history = await trainWithNoise(model, data, {
    method: method as 'anl',
    eps: 0.2,
    epochs: 2,
    batchSize: 8,
    optimizer: tf.train.sgd(0.1),
    seed: 42,
    ...rest,
    ...(validation === true ? { validationData: val } : {}),
  });
  const weights = model.trainableWeights.map((w) => Array.from(w.read().dataSync() as Float32Array));
  tf.dispose([data.xs, data.ys, val.xs, val.ys]);
  model.dispose();
  const bytes = Buffer.from(Float32Array.from(weights.flat()).buffer);
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    first: weights[0].slice(0, 4),
    loss: history.history.loss,
    ...(history.history.val_loss === undefined ? {} : { valLoss: history.history.val_loss }),
  };
}

describe('same seed, same bits (cpu backend)', () => {
  it('gives the recorded weights for every built-in method', async () => {
    const got: Record<string, unknown> = {};
    for (const c of CASES) got['label' in c ? c.label : c.method] = await trainedWeights(c.method, c.extra);
    if (process.env.ANL_WRITE_SAME_BITS === '1') writeFileSync(FIXTURE, `${JSON.stringify(got, null, 2)}\n`);
    const recorded = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    expect(got).toEqual(recorded);
    // The methods really differ (a fixture of six identical runs would pin nothing).
    const hashes = new Set(Object.values(got).map((g) => (g as { sha256: string }).sha256));
    expect(hashes.size).toBe(CASES.length);
  });
});
