import * as kernels from '@anl/tfjs/training-kernels';
import * as oldName from '@anl/tfjs/wasm-training';
import { describe, expect, it } from 'vitest';

describe('@anl/tfjs/training-kernels and its deprecated alias @anl/tfjs/wasm-training', () => {
  it('export the same functions and kernel lists (one module, not a copy)', () => {
    expect(Object.keys(oldName).sort()).toEqual(Object.keys(kernels).sort());
    for (const key of Object.keys(kernels)) {
      expect((oldName as Record<string, unknown>)[key], key).toBe((kernels as Record<string, unknown>)[key]);
    }
    expect(kernels.enableWasmTraining).toBeTypeOf('function');
    expect(kernels.CPU_TRAINING_KERNELS.length).toBeGreaterThan(0);
  });
});
