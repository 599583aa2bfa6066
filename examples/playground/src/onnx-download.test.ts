import { decodeOnnxModel } from '@anl/onnx';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork } from './networks';
import { onnxBytes } from './onnx-download';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const opTypes = (bytes: Uint8Array) => decodeOnnxModel(bytes).graph.nodes.map((n) => n.opType);

describe('onnxBytes', () => {
  it('exports the MLP noise-free for the trainer methods and with its noise for PNI', async () => {
    const anl = buildNetwork('mlp', 'anl', 1);
    const pni = buildNetwork('mlp', 'pni', 1);
    const before = tf.memory().numTensors;
    const plain = opTypes(await onnxBytes(anl.model, 'anl', 'mlp-anl'));
    const noisy = opTypes(await onnxBytes(pni.model, 'pni', 'mlp-pni'));
    // The MLP has two noise sites (after fc1 and fc2): PNI draws noise at both, ANL's are gone.
    expect(plain.filter((op) => op.startsWith('Random'))).toEqual([]);
    expect(noisy.filter((op) => op === 'RandomNormalLike')).toHaveLength(2);
    // The exported models are still the ones the page trained (nothing disposed but the copy).
    expect(anl.model.layers.map((l) => l.name)).toContain('fc1/anl_noise');
    expect(tf.memory().numTensors).toBe(before); // the stripped copy is disposed, weights read only
    anl.model.dispose();
    pni.model.dispose();
  });
});
