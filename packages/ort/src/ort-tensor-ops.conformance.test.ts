import { conformanceCases } from '@anl/core/conformance';
import { describe, it } from 'vitest';
import { OrtTensorOps } from './ort-tensor-ops';

describe('OrtTensorOps passes the @anl/core conformance kit', () => {
  for (const c of conformanceCases(new OrtTensorOps())) it(c.name, c.run);
});

describe('OrtTensorOps passes the kit with a one-session cache (every new graph evicts the last)', () => {
  for (const c of conformanceCases(new OrtTensorOps({ maxCachedSessions: 1 }), { trials: 3 }))
    it(c.name, c.run);
});
