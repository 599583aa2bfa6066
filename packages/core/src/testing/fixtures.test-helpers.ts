import type { RefTensor } from '../reference/ref-tensor';
import { ReferenceTensorOps } from '../reference/reference-tensor-ops';
import { TwoLayerLinearModel } from '../reference/two-layer-linear-model';
import { createRng } from '../rng/create-rng';
import type { Batch } from '../training/algorithm';

/** A strict reference ops (leak and use-after-free checks) and a small model with random weights. */
export function linearFixture(seed = 1, sizes = { input: 3, hidden: 4, outputs: 2 }) {
  const ops = new ReferenceTensorOps({ strictMemory: true });
  const rng = createRng(seed);
  const w1 = Float64Array.from({ length: sizes.hidden * sizes.input }, () => rng.normal());
  const w2 = Float64Array.from({ length: sizes.outputs * sizes.hidden }, () => rng.normal());
  const model = new TwoLayerLinearModel(ops, sizes.input, sizes.hidden, sizes.outputs, w1, w2);
  return { ops, model };
}

/** A random batch of `batchSize` samples for `model`, labels cycling through `labels` when given. */
export function randomBatch(
  model: TwoLayerLinearModel,
  batchSize: number,
  seed: number,
  labels?: readonly number[],
): Batch<RefTensor> {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: batchSize * model.inputSize }, () => rng.normal());
  const y = Float32Array.from({ length: batchSize * model.outputs }, () => rng.normal());
  return {
    x: model.ops.keep(model.ops.fromArray(x, [batchSize, model.inputSize])),
    y: model.ops.keep(model.ops.fromArray(y, [batchSize, model.outputs])),
    batchSize,
    labels: labels === undefined ? undefined : Int32Array.from(labels),
  };
}
