import { encodeOnnxModel } from '@anl/onnx';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OrtTensorOps } from './ort-tensor-ops';

/** A graph whose only node is a seeded RandomNormal of shape [4]. */
function seededRandomNormal(seed: number): Uint8Array {
  return encodeOnnxModel({
    graph: {
      name: 'random',
      nodes: [
        {
          opType: 'RandomNormal',
          inputs: [],
          outputs: ['r'],
          attributes: [
            { name: 'shape', type: 'ints', value: [4] },
            { name: 'seed', type: 'float', value: seed },
          ],
        },
      ],
      initializers: [],
      inputs: [],
      outputs: [{ name: 'r', dataType: 'float', shape: [4] }],
    },
  });
}

describe('random tensors are drawn on the host', () => {
  it("ORT's seeded RandomNormal gives new values on each run of one session (why OrtTensorOps does not use it)", async () => {
    const session = await ort.InferenceSession.create(seededRandomNormal(123));
    const first = Array.from((await session.run({})).r.data as Float32Array);
    const second = Array.from((await session.run({})).r.data as Float32Array);
    await session.release();
    expect(second).not.toEqual(first);
    // A fresh session with the same seed starts over: the state lives in the session.
    const fresh = await ort.InferenceSession.create(seededRandomNormal(123));
    expect(Array.from((await fresh.run({})).r.data as Float32Array)).toEqual(first);
    await fresh.release();
  });

  it('OrtTensorOps: the same seed gives the same values across computations sharing a session', async () => {
    const ops = new OrtTensorOps();
    const draw = async (seed: number) => ops.toArray(ops.scale(ops.randomNormal([50], 0, 1, seed), 2));
    const a = await draw(7);
    const b = await draw(7);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(await draw(8))).not.toEqual(Array.from(a));
    expect(ops.compiledSessions).toBe(1);
  });
});
