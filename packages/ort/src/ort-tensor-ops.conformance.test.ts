import { conformanceCases } from '@anl/core/conformance';
import { describe, it } from 'vitest';
import { OrtTensorOps } from './ort-tensor-ops';

describe('OrtTensorOps passes the @anl/core conformance kit', () => {
  for (const c of conformanceCases(new OrtTensorOps())) it(c.name, c.run);
});
