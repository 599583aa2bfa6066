import { createRng } from '../rng/create-rng';
import type { Rng } from '../rng/rng';
import type { LossTermV1, NoiseFn, PassResult, TrainableModelV1 } from '../training/trainable-model';
import type { ConformanceCase } from './types';

/** What the trainable kit needs to drive an adapter's model. */
export interface TrainableSubject<T, G> {
  /** A fresh model, with the same initial weights every call and at least one noise point. */
  createModel(): TrainableModelV1<T, G>;
  /** Inputs and targets of `batchSize` rows, the same for the same seed (the caller frees them). */
  createBatch(model: TrainableModelV1<T, G>, batchSize: number, seed: number): { x: T; y: T };
  /** Every trainable weight on the host, concatenated, to compare before and after. */
  readWeights(model: TrainableModelV1<T, G>): Promise<Float32Array>;
  /** Makes the next `doApplyGradients` fail part-way (after changing something, ideally); returns the undo. */
  failNextApply(model: TrainableModelV1<T, G>): () => void;
  disposeModel?(model: TrainableModelV1<T, G>): void;
}

export interface TrainableConformanceOptions {
  /** Seed of the batches and of the probed elements (default 20240521). */
  readonly seed?: number;
  /** Rows per batch (default 3). */
  readonly batchSize?: number;
  /** Finite-difference step on the noise (default 1e-2; float32 loss). */
  readonly step?: number;
  /** Relative tolerance of noise gradients against central differences (default 2e-2). */
  readonly tolerance?: number;
  /** Elements probed per noise point (default 4). */
  readonly probes?: number;
  /** Also check the optional `doLossPass` (the adapter implements it): input gradients against central differences. */
  readonly lossPass?: boolean;
}

function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Every check of a `TrainableModelV1` implementation: the contract's shape (noise points, the
 * noise callback's order and shapes), noise gradients against central finite differences of the
 * loss in the injected noise, no weight gradients (and unchanged weights) when none are asked,
 * applying gradients, and rollback of an update that fails part-way. Use with any test runner:
 * `for (const c of trainableConformanceCases(subject)) it(c.name, c.run)`.
 */
export function trainableConformanceCases<T, G>(
  subject: TrainableSubject<T, G>,
  options: TrainableConformanceOptions = {},
): ConformanceCase[] {
  const seed = options.seed ?? 20240521;
  const batchSize = options.batchSize ?? 3;
  const h = options.step ?? 1e-2;
  const tolerance = options.tolerance ?? 2e-2;
  const probes = options.probes ?? 4;

  /** Runs `fn` with a fresh model and batch, freeing both after. */
  async function withModel(fn: (model: TrainableModelV1<T, G>, x: T, y: T) => Promise<void>): Promise<void> {
    const model = subject.createModel();
    const { x, y } = subject.createBatch(model, batchSize, seed);
    try {
      await fn(model, x, y);
    } finally {
      model.ops.dispose([x, y]);
      subject.disposeModel?.(model);
    }
  }

  function pass(
    model: TrainableModelV1<T, G>,
    x: T,
    y: T,
    noise: NoiseFn<T>,
    weightGradients: boolean,
    noiseGradients: boolean,
  ): PassResult<T, G> {
    return model.doPass({ x, y, batchSize, noise, weightGradients, noiseGradients });
  }

  function free(model: TrainableModelV1<T, G>, result: PassResult<T, G>): void {
    model.ops.dispose(result.loss);
    if (result.weightGradients !== undefined) model.disposeGradients(result.weightGradients);
    if (result.noiseGradients !== undefined) model.ops.dispose(result.noiseGradients);
  }

  async function scalar(model: TrainableModelV1<T, G>, t: T): Promise<number> {
    return (await model.ops.toArray(t))[0];
  }

  /** The loss with `+delta` added at one element of one point's activations. */
  async function lossWithBump(
    model: TrainableModelV1<T, G>,
    x: T,
    y: T,
    point: number,
    element: number,
    delta: number,
  ): Promise<number> {
    const ops = model.ops;
    const sample = model.noisePoints[point].sampleShape;
    const values = new Float32Array(batchSize * shapeSize(sample));
    values[element] = delta;
    const result = pass(
      model,
      x,
      y,
      (t) => (t === point ? ops.fromArray(values, [batchSize, ...sample]) : null),
      false,
      false,
    );
    try {
      return await scalar(model, result.loss);
    } finally {
      free(model, result);
    }
  }

  /**
   * doLossPass: one 'loss' term equals doPass's loss; the input gradients of
   * loss(x0) + 0.5·KL(p(x0) ‖ p(x1)) + 0.25·loss(x1) match central differences in x0 and x1.
   */
  function lossPassCase(): ConformanceCase {
    const terms: LossTermV1[] = [
      { kind: 'loss', input: 0, weight: 1 },
      { kind: 'kl', from: 0, to: 1, weight: 0.5 },
      { kind: 'loss', input: 1, weight: 0.25 },
    ];
    return {
      name: "doLossPass: input gradients match central finite differences; one loss term is doPass's loss",
      run: () =>
        withModel(async (model, x, y) => {
          const ops = model.ops;
          const lossPass = model.doLossPass?.bind(model);
          if (lossPass === undefined)
            throw new Error('the model has no doLossPass (lossPass: true was given)');
          const shape = ops.shape(x);
          const x0 = await ops.toArray(x);
          const shift = ops.randomUniform(shape, -0.2, 0.2, seed);
          const x1 = (await ops.toArray(shift)).map((v, k) => v + x0[k]);
          ops.dispose(shift);
          const lossAt = async (a: Float32Array, b: Float32Array, t: readonly LossTermV1[]) => {
            const inputs = [ops.fromArray(a, shape), ops.fromArray(b, shape)];
            const r = lossPass({
              inputs,
              y,
              batchSize,
              terms: t,
              weightGradients: false,
              inputGradients: [],
            });
            try {
              return await scalar(model, r.loss);
            } finally {
              ops.dispose([...inputs, r.loss]);
            }
          };
          const plain = pass(model, x, y, () => null, false, false);
          const plainLoss = await scalar(model, plain.loss);
          free(model, plain);
          const single = await lossAt(x0, x1, [{ kind: 'loss', input: 0, weight: 1 }]);
          if (Math.abs(single - plainLoss) > 1e-5 * Math.max(1, Math.abs(plainLoss)))
            throw new Error(`one loss term gives ${single}, doPass ${plainLoss}`);
          const inputs = [ops.fromArray(x0, shape), ops.fromArray(x1, shape)];
          const r = lossPass({ inputs, y, batchSize, terms, weightGradients: false, inputGradients: [0, 1] });
          const grads: Float32Array[] = [];
          try {
            if (r.weightGradients !== undefined)
              throw new Error('weight gradients returned though not asked');
            if (r.inputGradients?.length !== 2)
              throw new Error(`expected 2 input gradients, got ${r.inputGradients?.length ?? 0}`);
            for (const g of r.inputGradients) grads.push(await ops.toArray(g));
          } finally {
            ops.dispose([...inputs, r.loss, ...(r.inputGradients ?? [])]);
            if (r.weightGradients !== undefined) model.disposeGradients(r.weightGradients);
          }
          const rng: Rng = createRng(seed + 1);
          for (const which of [0, 1]) {
            const g = grads[which];
            const scale = g.reduce((s, v) => s + Math.abs(v), 0) / g.length;
            for (let k = 0; k < probes; k++) {
              const element = rng.int(g.length);
              const bumped = (delta: number) => {
                const a = x0.slice();
                const b = x1.slice();
                (which === 0 ? a : b)[element] += delta;
                return lossAt(a, b, terms);
              };
              const fd = ((await bumped(h)) - (await bumped(-h))) / (2 * h);
              if (Math.abs(fd - g[element]) > tolerance * Math.max(Math.abs(g[element]), scale) + 1e-5)
                throw new Error(
                  `input ${which}, element ${element}: gradient ${g[element]}, finite difference ${fd}`,
                );
            }
          }
        }),
    };
  }

  const cases: ConformanceCase[] = [
    {
      name: "declares specificationVersion 'v1', ops and named noise points",
      run: async () => {
        const model = subject.createModel();
        try {
          if (model.specificationVersion !== 'v1')
            throw new Error(`specificationVersion is ${String(model.specificationVersion)}, expected 'v1'`);
          if (model.ops?.specificationVersion !== 'v1') throw new Error('ops must be a TensorOpsV1');
          if (!Array.isArray(model.noisePoints) || model.noisePoints.length === 0)
            throw new Error('noisePoints must list at least one point for the kit');
          for (const p of model.noisePoints) {
            if (typeof p.name !== 'string' || p.name.length === 0)
              throw new Error('a noise point has no name');
            if (!p.sampleShape.every((d: number) => Number.isInteger(d) && d >= 1))
              throw new Error(`noise point ${p.name} has sampleShape [${p.sampleShape}]`);
          }
        } finally {
          subject.disposeModel?.(model);
        }
      },
    },
    {
      name: 'calls the noise function once per point, in order, with activations [B, ...sampleShape]',
      run: () =>
        withModel(async (model, x, y) => {
          const seen: { t: number; shape: number[] }[] = [];
          const result = pass(
            model,
            x,
            y,
            (t, act) => {
              seen.push({ t, shape: model.ops.shape(act) });
              return null;
            },
            false,
            false,
          );
          free(model, result);
          const expected = model.noisePoints.map((p, t) => ({ t, shape: [batchSize, ...p.sampleShape] }));
          if (JSON.stringify(seen) !== JSON.stringify(expected))
            throw new Error(`noise calls ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`);
        }),
    },
    {
      name: 'noise gradients match central finite differences of the loss in the noise',
      run: () =>
        withModel(async (model, x, y) => {
          const rng: Rng = createRng(seed);
          const result = pass(model, x, y, () => null, false, true);
          const grads: Float32Array[] = [];
          try {
            if (result.weightGradients !== undefined)
              throw new Error('weight gradients returned though not asked');
            const ng = result.noiseGradients;
            if (ng === undefined || ng.length !== model.noisePoints.length)
              throw new Error(`expected ${model.noisePoints.length} noise gradients, got ${ng?.length ?? 0}`);
            for (const g of ng) grads.push(await model.ops.toArray(g));
          } finally {
            free(model, result);
          }
          for (let t = 0; t < grads.length; t++) {
            const g = grads[t];
            const scale = g.reduce((s, v) => s + Math.abs(v), 0) / g.length;
            for (let k = 0; k < probes; k++) {
              const element = rng.int(g.length);
              const up = await lossWithBump(model, x, y, t, element, h);
              const down = await lossWithBump(model, x, y, t, element, -h);
              const fd = (up - down) / (2 * h);
              if (Math.abs(fd - g[element]) > tolerance * Math.max(Math.abs(g[element]), scale) + 1e-6) {
                throw new Error(
                  `noise point ${model.noisePoints[t].name}, element ${element}: gradient ${g[element]}, finite difference ${fd}`,
                );
              }
            }
          }
        }),
    },
    {
      name: 'returns no weight gradients and changes no weight when none are asked',
      run: () =>
        withModel(async (model, x, y) => {
          const before = await subject.readWeights(model);
          const result = pass(model, x, y, () => null, false, true);
          const had = result.weightGradients !== undefined;
          free(model, result);
          if (had) throw new Error('weightGradients returned for weightGradients: false');
          const after = await subject.readWeights(model);
          if (!sameBits(before, after)) throw new Error('a pass changed the weights');
        }),
    },
    {
      name: 'the same pass twice gives the same loss (no hidden state between passes)',
      run: () =>
        withModel(async (model, x, y) => {
          const losses: number[] = [];
          for (let i = 0; i < 2; i++) {
            const result = pass(model, x, y, () => null, true, true);
            losses.push(await scalar(model, result.loss));
            free(model, result);
          }
          if (losses[0] !== losses[1]) throw new Error(`losses ${losses[0]} and ${losses[1]} differ`);
        }),
    },
    {
      name: 'applying weight gradients changes the weights and lowers the loss of a small step',
      run: () =>
        withModel(async (model, x, y) => {
          const before = await subject.readWeights(model);
          const result = pass(model, x, y, () => null, true, false);
          const loss0 = await scalar(model, result.loss);
          if (result.weightGradients === undefined) throw new Error('no weightGradients though asked');
          try {
            model.doApplyGradients(result.weightGradients);
          } finally {
            free(model, result);
          }
          const after = await subject.readWeights(model);
          if (sameBits(before, after)) throw new Error('doApplyGradients left every weight as it was');
          const again = pass(model, x, y, () => null, false, false);
          const loss1 = await scalar(model, again.loss);
          free(model, again);
          if (!(loss1 < loss0)) throw new Error(`loss went from ${loss0} to ${loss1} after one step`);
        }),
    },
    {
      name: 'an update that fails part-way leaves every weight as it was',
      run: () =>
        withModel(async (model, x, y) => {
          const before = await subject.readWeights(model);
          const result = pass(model, x, y, () => null, true, false);
          const undo = subject.failNextApply(model);
          let threw = false;
          try {
            model.doApplyGradients(result.weightGradients as G);
          } catch {
            threw = true;
          } finally {
            undo();
            free(model, result);
          }
          if (!threw) throw new Error('failNextApply did not make doApplyGradients throw');
          const after = await subject.readWeights(model);
          if (!sameBits(before, after)) throw new Error('weights changed by a failed update');
        }),
    },
  ];
  if (options.lossPass) cases.push(lossPassCase());
  return cases;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
