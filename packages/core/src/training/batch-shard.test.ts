import { describe, expect, it } from 'vitest';
import type { RefTensor } from '../reference/ref-tensor';
import { createRng } from '../rng/create-rng';
import { linearFixture, randomBatch } from '../testing/fixtures.test-helpers';
import type { Batch } from './algorithm';
import type { BatchShard } from './batch-shard';
import { createTrainingAlgorithm } from './create-training-algorithm';
import type { TrainingAlgorithmOptions } from './options';
import type { ReplicatedStepRequest, ReplicatedStepsV1 } from './replicated-steps';
import type { TrainableModelV1 } from './trainable-model';

/** Five steps with batch sizes 6, 6, 4, 6, 6 (LAT's i mod B_prev path), with or without a shard. */
function train(options: TrainingAlgorithmOptions, withShard: boolean): number[] {
  const { ops, model } = linearFixture(11);
  const algorithm = createTrainingAlgorithm(ops, options);
  const sizes = [6, 6, 4, 6, 6];
  sizes.forEach((size, step) => {
    const batch = randomBatch(model, size, 30 + step, [0, 1, 2, 1, 0, 2].slice(0, size));
    // One replica holding every row: the shard's gather is a plain gather of its own rows.
    const shard: BatchShard<RefTensor> = {
      start: 0,
      end: size,
      batchSize: size,
      labels: batch.labels,
      gatherRows: (parts) => parts.map(({ local, indices }) => ops.gatherRows(local, indices)),
    };
    const settings = { eps: 0.25, noise: true };
    const out = algorithm.step(model, batch, settings, createRng(70 + step), withShard ? shard : undefined);
    ops.dispose([out.loss, batch.x, batch.y]);
  });
  algorithm.dispose();
  expect(ops.numTensors).toBe(0);
  return [...model.w1, ...model.w2];
}

describe('StepContext.shard', () => {
  const cases: TrainingAlgorithmOptions[] = [
    { method: 'anl' },
    { method: 'canl', numClasses: 3 },
    { method: 'gaussian', methodOptions: { gaussian: { scaleByStd: true } } },
    { method: 'gaussian' },
    { method: 'lat' },
    { method: 'anp' },
  ];
  it.each(cases)('one replica of the whole batch trains exactly as without a shard: %o', (options) => {
    expect(train(options, true)).toEqual(train(options, false));
  });
});

/** A model that says it runs steps on replicas; records what it was asked. */
class ReplicatedFake implements ReplicatedStepsV1<RefTensor> {
  requests: ReplicatedStepRequest<RefTensor>[] = [];
  released: number[] = [];
  answer = true;
  constructor(readonly inner: TrainableModelV1<RefTensor>) {}
  get specificationVersion() {
    return this.inner.specificationVersion;
  }
  get ops() {
    return this.inner.ops;
  }
  get noisePoints() {
    return this.inner.noisePoints;
  }
  doPass(...a: Parameters<TrainableModelV1<RefTensor>['doPass']>) {
    return this.inner.doPass(...a);
  }
  doApplyGradients(g: unknown) {
    this.inner.doApplyGradients(g);
  }
  disposeGradients(g: unknown) {
    this.inner.disposeGradients(g);
  }
  replicatedStep(request: ReplicatedStepRequest<RefTensor>): RefTensor | null {
    this.requests.push(request);
    request.rng.nextUint32();
    return this.answer ? this.inner.ops.fromArray([1.5], []) : null;
  }
  replicatedStateBytes(id: number) {
    return id > 0 ? 123 : 0;
  }
  releaseAlgorithm(id: number) {
    this.released.push(id);
  }
}

describe('createTrainingAlgorithm on a model with replicated steps', () => {
  it("hands shardable methods' steps to the model (options, batch, settings, rng), and frees them on dispose", async () => {
    const { ops, model } = linearFixture(2);
    const fake = new ReplicatedFake(model);
    const options = { method: 'canl', numClasses: 3 };
    const algorithm = createTrainingAlgorithm(ops, options);
    const other = createTrainingAlgorithm(ops, { method: 'anl' });
    const batch: Batch<RefTensor> = randomBatch(model, 3, 1, [0, 1, 2]);
    const rng = createRng(9);
    const settings = { eps: 0.1, noise: true };
    const { loss } = algorithm.step(fake as unknown as TrainableModelV1<RefTensor>, batch, settings, rng);
    ops.dispose(other.step(fake as unknown as TrainableModelV1<RefTensor>, batch, settings, rng).loss);
    expect(Array.from(await ops.toArray(loss))).toEqual([1.5]);
    ops.dispose(loss);
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests;
    expect(first.options).toBe(options);
    expect(first.batch).toBe(batch);
    expect(first.settings).toBe(settings);
    expect(first.rng).toBe(rng);
    expect(second.algorithm).not.toBe(first.algorithm);
    // The model ran nothing itself.
    expect(model.passes).toHaveLength(0);
    expect(algorithm.stateBytes()).toBe(123);
    algorithm.dispose();
    other.dispose();
    expect(fake.released).toEqual([first.algorithm, second.algorithm]);
    ops.dispose([batch.x, batch.y]);
  });

  it('runs the step itself when the model answers null, and never hands over a non-shardable method', () => {
    const { ops, model } = linearFixture(2);
    const fake = new ReplicatedFake(model);
    fake.answer = false;
    const algorithm = createTrainingAlgorithm(ops, { method: 'anl' });
    const batch = randomBatch(model, 3, 1);
    ops.dispose(
      algorithm.step(
        fake as unknown as TrainableModelV1<RefTensor>,
        batch,
        { eps: 0.1, noise: true },
        createRng(1),
      ).loss,
    );
    expect(fake.requests).toHaveLength(1);
    expect(model.passes).toHaveLength(2);
    // An input-space method (no `shardable`) is not offered: it runs here (and this model has no doLossPass).
    fake.answer = true;
    const fgsm = createTrainingAlgorithm(ops, { method: 'fgsm-at' });
    expect(() =>
      fgsm.step(
        fake as unknown as TrainableModelV1<RefTensor>,
        batch,
        { eps: 0.1, noise: true },
        createRng(1),
      ),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(fake.requests).toHaveLength(1);
    algorithm.dispose();
    fgsm.dispose();
    ops.dispose([batch.x, batch.y]);
  });
});
