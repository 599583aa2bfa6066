import { AnlError } from '@anl/core';

const GUARDED = Symbol.for('anl.webgpuSyncReadGuard');

interface BackendPrototype {
  readSync(dataId: object): unknown;
  [GUARDED]?: true;
}

/**
 * In a browser the tfjs webgpu backend reads GPU memory synchronously (`dataSync`, `arraySync`) through
 * an OffscreenCanvas; Node has no canvas, and Dawn has no blocking readback, so there the stock code
 * fails with "OffscreenCanvas is not defined". This turns that into a typed error that says what to do.
 * Reads of tensors whose values are still on the host (not yet uploaded) keep working.
 */
export function guardSyncReads(prototype: BackendPrototype): void {
  if (
    prototype[GUARDED] ||
    typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined'
  ) {
    return;
  }
  const readSync = prototype.readSync;
  prototype.readSync = function (this: BackendPrototype, dataId: object) {
    try {
      return readSync.call(this, dataId);
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      throw new AnlError(
        'UNSUPPORTED',
        'dataSync()/arraySync() cannot read GPU memory on the webgpu backend in Node (Dawn has no ' +
          'synchronous readback): use `await tensor.data()` / `await tensor.array()`, or run this step on ' +
          "the wasm or cpu backend (tf.setBackend('wasm'))",
        { argument: 'tensor', cause: e },
      );
    }
  };
  prototype[GUARDED] = true;
}
