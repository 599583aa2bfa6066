import '@tensorflow/tfjs-backend-cpu';
import { callbacks as tfCallbacks } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { CallbackList } from './callback-list';
import { tinyDenseModel } from './test-models';

describe('CallbackList', () => {
  it('counts a hook only where a callback really defines it (not tf.Callback’s inherited no-ops)', () => {
    const model = tinyDenseModel();
    const early = new CallbackList([tfCallbacks.earlyStopping()], model, {});
    expect(early.has('onEpochEnd')).toBe(true);
    expect(early.has('onBatchEnd')).toBe(false);
    const mine = new CallbackList([tfCallbacks.earlyStopping(), { onBatchEnd: () => undefined }], model, {});
    expect(mine.has('onBatchEnd')).toBe(true);
  });

  it('stops when a hook returns "stop", and not for other return values', async () => {
    const model = tinyDenseModel();
    const list = new CallbackList([{ onEpochEnd: (epoch) => (epoch === 1 ? 'stop' : undefined) }], model, {});
    model.build();
    model.stopTraining = false;
    await list.epochEnd(0, {});
    expect(list.shouldStop).toBe(false);
    await list.epochEnd(1, {});
    expect(list.shouldStop).toBe(true);
  });
});
