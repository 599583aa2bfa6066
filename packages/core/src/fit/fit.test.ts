import { describe, expect, it } from 'vitest';
import { AnlError } from '../errors';
import { createRng } from '../rng/create-rng';
import { shuffledOrder } from '../rng/shuffled-order';
import { linearFixture, randomBatch } from '../testing/fixtures.test-helpers';
import { createTrainingAlgorithm } from '../training/create-training-algorithm';
import { fit } from './fit';
import type { FitBatch } from './fit-options';

describe('fit on the reference model', () => {
  it('runs the same steps as createTrainingAlgorithm by hand, with the seeded shuffle', async () => {
    const a = linearFixture(4);
    const b = linearFixture(4);
    const rows = [0, 1, 2, 3].map((k) => randomBatch(a.model, 2, 10 + k));
    const epochs = 2;
    const history = await fit(
      a.model,
      ({ shuffleRng }) =>
        Array.from(shuffledOrder(rows.length, shuffleRng), (i): FitBatch<(typeof rows)[0]['x']> => rows[i]),
      { method: 'anl', eps: 0.2, epochs, seed: 9 },
    );
    // By hand: fit's generator split order (shuffle first, then steps) and the same schedule.
    const root = createRng(9);
    const shuffleRng = root.split();
    const stepRng = root.split();
    const algorithm = createTrainingAlgorithm(b.ops, { method: 'anl' });
    for (let e = 0; e < epochs; e++) {
      for (const i of shuffledOrder(rows.length, shuffleRng)) {
        const batch = randomBatch(b.model, 2, 10 + i);
        b.ops.dispose(algorithm.step(b.model, batch, { eps: 0.2, noise: true }, stepRng).loss);
        b.ops.dispose([batch.x, batch.y]);
      }
    }
    expect(Array.from(a.model.w1)).toEqual(Array.from(b.model.w1));
    expect(history.history.eps).toEqual([0.2, 0.2]);
    expect(history.epoch).toEqual([0, 1]);
    a.ops.dispose(rows.flatMap((r) => [r.x, r.y]));
    algorithm.dispose();
    expect(a.ops.numTensors).toBe(0);
  });

  it("stops on a callback's 'stop' (not other values) and skips no-op hooks for per-batch reads", async () => {
    const { ops, model } = linearFixture();
    const batch = randomBatch(model, 2, 1);
    const seen: number[] = [];
    const noOp = () => undefined;
    const history = await fit(
      model,
      [batch],
      {
        method: 'none',
        epochs: 5,
        callbacks: [
          { onEpochEnd: (e) => (e === 1 ? 'stop' : undefined), onBatchEnd: noOp },
          { onEpochBegin: (e) => void seen.push(e) },
        ],
      },
      { isNoOpHook: (_hook, fn) => fn === noOp },
    );
    expect(history.epoch).toEqual([0, 1]);
    expect(seen).toEqual([0, 1]);
    ops.dispose([batch.x, batch.y]);
  });

  it('refuses unknown keys, a learning rate without an adapter hook, and a bad schedule by name', async () => {
    const { ops, model } = linearFixture();
    const run = (options: object) => fit(model, [], options as never).catch((e: unknown) => e);
    expect(await run({ method: 'anl', eps: 1, epochs: 1, epoc: 2 })).toMatchObject({
      argument: 'options.epoc',
    });
    expect(await run({ method: 'anl', eps: 1, epochs: 1, learningRate: () => 0.1 })).toMatchObject({
      code: 'UNSUPPORTED',
      argument: 'options.learningRate',
    });
    expect(await run({ method: 'anl', epochs: 1 })).toMatchObject({ argument: 'options.eps' });
    expect(
      await run({ method: 'anp', epochs: 1, anpPhases: [{ from: 0, to: 1, eps: 1, alpha: 1, passes: 0 }] }),
    ).toMatchObject({
      argument: 'options.anpPhases[0].passes',
    });
    expect(await run({ method: 'anl', eps: 1, epochs: 0 })).toBeInstanceOf(AnlError);
    expect(ops.numTensors).toBe(0);
  });
});
