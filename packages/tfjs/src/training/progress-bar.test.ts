import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { formatEpochLine, formatProgressBar, progressCallback } from './progress-bar';
import { tinyData, tinyDenseModel } from './test-models';
import { trainWithNoise } from './train-with-noise';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('formatProgressBar', () => {
  it('draws done/total on 30 columns with an ETA from the average batch time', () => {
    // 12 of 40 batches in 1.2 s: 0.1 s a batch, 28 left -> 2.8 s; 12/40 of 30 columns = 9.
    const line = formatProgressBar({
      epoch: 1,
      epochs: 10,
      done: 12,
      total: 40,
      elapsedMs: 1200,
      logs: { loss: 0.42104, acc: 0.875 },
    });
    expect(line).toBe(
      `Epoch 2/10 [${'='.repeat(9)}>${'-'.repeat(20)}] 12/40 - ETA: 2.8s - loss: 0.4210 - acc: 0.8750`,
    );
  });

  it('a full bar has no head and ETA 0; an unknown total shows the batch count', () => {
    const full = formatProgressBar({ epoch: 0, epochs: 1, done: 5, total: 5, elapsedMs: 500, logs: {} });
    expect(full).toBe(`Epoch 1/1 [${'='.repeat(30)}] 5/5 - ETA: 0.0s`);
    const open = formatProgressBar({ epoch: 0, epochs: 2, done: 3, elapsedMs: 10, logs: { loss: 1 } });
    expect(open).toBe('Epoch 1/2 batch 3 - loss: 1.0000');
  });

  it('the epoch line', () => {
    expect(formatEpochLine(1, 3, 1340, { loss: 0.5 })).toBe('Epoch 2/3 - 1.3s - loss: 0.5000');
  });
});

describe('progressCallback', () => {
  it('a terminal: redraws per batch (at most every 100 ms, always the last), then the epoch line', async () => {
    const redraws: string[] = [];
    const lines: string[] = [];
    let t = 0;
    const cb = progressCallback(1, { redraw: (s) => redraws.push(s), line: (s) => lines.push(s) }, () => t);
    cb.setParams?.({ samples: 10, batchSize: 4 }); // 3 batches
    await cb.onEpochBegin?.(0);
    t = 150;
    await cb.onBatchEnd?.(0, { batch: 0, size: 4, loss: 1 });
    t = 200; // 50 ms later: skipped
    await cb.onBatchEnd?.(1, { loss: 1 });
    t = 210; // the last batch: always drawn
    await cb.onBatchEnd?.(2, { loss: 0.5 });
    await cb.onEpochEnd?.(0, { loss: 0.5 });
    expect(redraws).toEqual([
      `Epoch 1/1 [${'='.repeat(10)}>${'-'.repeat(19)}] 1/3 - ETA: 0.3s - loss: 1.0000`,
      `Epoch 1/1 [${'='.repeat(30)}] 3/3 - ETA: 0.0s - loss: 0.5000`,
    ]);
    expect(lines).toEqual(['Epoch 1/1 - 0.2s - loss: 0.5000']);
  });

  it('no terminal: no onBatchEnd (the loss stays on the device during the epoch)', () => {
    const cb = progressCallback(1, { line: () => {} });
    expect(cb.onBatchEnd).toBeUndefined();
  });
});

describe('trainWithNoise verbose', () => {
  it('verbose 0 writes nothing to stdout, stderr or the console', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await trainWithNoise(tinyDenseModel(), tinyData(8, [4], 3), {
        method: 'none',
        epochs: 2,
        batchSize: 4,
        optimizer: tf.train.sgd(0.1),
        verbose: 0,
      });
      expect(log).not.toHaveBeenCalled();
      expect(err).not.toHaveBeenCalled();
      expect(out).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      err.mockRestore();
      out.mockRestore();
    }
  });

  it('verbose 1 on a terminal draws the bar on stderr', async () => {
    const stderr = process.stderr as { isTTY?: boolean };
    const wasTTY = stderr.isTTY;
    stderr.isTTY = true;
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await trainWithNoise(tinyDenseModel(), tinyData(8, [4], 3), {
        method: 'none',
        epochs: 1,
        batchSize: 4,
        optimizer: tf.train.sgd(0.1),
        verbose: 1,
      });
      const written = err.mock.calls.map((c) => String(c[0]));
      expect(written.some((s) => /\[=+\] 2\/2 - ETA: 0\.0s - loss: \d\.\d{4}/.test(s))).toBe(true);
      expect(written.at(-1)).toMatch(/Epoch 1\/1 - [\d.]+s - loss: \d\.\d{4} - acc: \d\.\d{4}\n$/);
    } finally {
      err.mockRestore();
      stderr.isTTY = wasTTY;
    }
  });
});
