import * as main from '@anl/tfjs';
import * as node from '@anl/tfjs/node';
import { describe, expect, it } from 'vitest';

describe('@anl/tfjs/node', () => {
  it('adds file-system save and load to the main entry, sharing its classes', () => {
    expect(typeof node.saveModel).toBe('function');
    expect(typeof node.loadModel).toBe('function');
    expect(typeof node.fileSystemHandler).toBe('function');
    expect(node.NoiseLayer).toBe(main.NoiseLayer);
    expect(node.insertNoiseLayers).toBe(main.insertNoiseLayers);
    expect('saveModel' in main).toBe(false);
  });
});
