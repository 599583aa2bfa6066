import { describe, expect, it } from 'vitest';
import type { RefTensor } from '../reference/ref-tensor';
import { TwoLayerLinearModel } from '../reference/two-layer-linear-model';
import { createRng } from '../rng/create-rng';
import { linearFixture, randomBatch } from '../testing/fixtures.test-helpers';
import { createTrainingAlgorithm } from './create-training-algorithm';
import { runPass } from './pass';
import type { PassRequest, PassResult } from './trainable-model';

/**
 * An adapter that takes `noiseAsRows` when offered, as the tfjs worker pool does, and builds eta
 * from the rows itself: `mulPerSample(gatherRows(table, rows), coefficient)`.
 */
class RowsBuildingModel extends TwoLayerLinearModel {
  built = 0;

  override doPass(request: PassRequest<RefTensor>): PassResult<RefTensor, never> {
    const asRows = request.noiseAsRows;
    if (asRows === undefined) return super.doPass(request) as PassResult<RefTensor, never>;
    const made: RefTensor[] = [];
    try {
      return super.doPass({
        ...request,
        noise: (t, h) => {
          const rows = asRows(t, h);
          if (rows === null) return null;
          this.built++;
          const eta = this.ops.keep(
            this.ops.mulPerSample(this.ops.gatherRows(rows.table, rows.rows), rows.coefficient),
          );
          made.push(eta);
          return eta;
        },
      }) as PassResult<RefTensor, never>;
    } finally {
      this.ops.dispose(made);
    }
  }
}

function rowsModel(seed: number) {
  const { ops, model } = linearFixture(seed);
  return {
    ops,
    model: new RowsBuildingModel(ops, model.inputSize, model.hidden, model.outputs, model.w1, model.w2),
  };
}

type Fixture = { ops: ReturnType<typeof linearFixture>['ops']; model: TwoLayerLinearModel };

/** Weights and CANL's class tables after four steps. */
function trainCanl({ ops, model }: Fixture, std: 'batch' | 'running') {
  const algorithm = createTrainingAlgorithm(ops, { method: 'canl', numClasses: 3, std });
  for (let step = 0; step < 4; step++) {
    const batch = randomBatch(model, 5, 20 + step, [0, 1, 2, 1, 0]);
    ops.dispose(algorithm.step(model, batch, { eps: 0.3, noise: true }, createRng(50 + step)).loss);
    ops.dispose([batch.x, batch.y]);
  }
  const weights = [...model.w1, ...model.w2];
  algorithm.dispose();
  expect(ops.numTensors).toBe(0);
  return weights;
}

describe('noiseAsRows: CANL noise as class rows and a coefficient, built by the adapter', () => {
  it.each(['batch', 'running'] as const)(
    '%s std: the same weights, bit for bit, as the noise tensors',
    (std) => {
      const plain = trainCanl(linearFixture(7), std);
      const rows = rowsModel(7);
      const built = trainCanl(rows, std);
      // The cache is empty on the first step (zero noise), then every step builds from rows.
      expect(rows.model.built).toBeGreaterThanOrEqual(6);
      expect(built).toEqual(plain);
    },
  );

  it('rows outside the table, or a coefficient of the wrong shape, are refused and nothing leaks', () => {
    const { ops, model } = rowsModel(8);
    const batch = randomBatch(model, 3, 1);
    const tables = model.noisePoints.map((p) => ops.keep(ops.zeros([2, ...p.sampleShape])));
    const bad = [
      { rows: Int32Array.of(0, 1, 2), coefficient: [3] },
      { rows: Int32Array.of(0, 1), coefficient: [3] },
      { rows: Int32Array.of(0, 1, 1), coefficient: [2] },
    ];
    for (const { rows, coefficient } of bad) {
      const before = ops.numTensors;
      expect(() =>
        runPass(model, {
          x: batch.x,
          y: batch.y,
          batchSize: 3,
          noise: () => null,
          noiseAsRows: (t) => ({ table: tables[t], rows, coefficient: ops.zeros(coefficient) }),
          weightGradients: true,
          noiseGradients: false,
        }),
      ).toThrow(expect.objectContaining({ code: expect.stringMatching(/INVALID_ARGUMENT|SHAPE_MISMATCH/) }));
      expect(ops.numTensors).toBe(before);
    }
    ops.dispose([...tables, batch.x, batch.y]);
    expect(ops.numTensors).toBe(0);
  });
});
