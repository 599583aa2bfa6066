import { conformanceCases } from '@anl/core/conformance';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TfjsTensorOps } from './tfjs-tensor-ops';

const ops = new TfjsTensorOps();
const cases = conformanceCases(ops);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TfjsTensorOps passes the @anl/core conformance kit (cpu backend)', () => {
  for (const c of cases) it(c.name, c.run);

  it('leaves no tensors behind after running every case', async () => {
    const before = tf.memory().numTensors;
    for (const c of conformanceCases(ops, { seed: 7 })) await c.run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
