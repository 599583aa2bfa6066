import { describe, expect, it } from 'vitest';
import type { RefTensor } from '../reference/ref-tensor';
import { TwoLayerLinearModel } from '../reference/two-layer-linear-model';
import { createRng } from '../rng/create-rng';
import { linearFixture, randomBatch } from '../testing/fixtures.test-helpers';
import { populationStd } from '../testing/math.test-helpers';
import type { TrainingAlgorithmOptions } from './options';
import { createTrainingAlgorithm } from './create-training-algorithm';
import type { PassRequest, PassResult } from './trainable-model';

/**
 * An adapter whose activations "live elsewhere", as the tfjs worker pool's do: in a pass marked
 * `noiseReadsOnlyStd` it hands the noise function a stand-in of zeros and s(h) computed by hand
 * (times `stdFactor`, to see that the method takes s(h) from the stats and not from h).
 */
class StatsHandingModel extends TwoLayerLinearModel {
  stdFactor = 1;
  handed = 0;

  override doPass(request: PassRequest<RefTensor>): PassResult<RefTensor, never> {
    if (request.noiseReadsOnlyStd !== true) return super.doPass(request) as PassResult<RefTensor, never>;
    return super.doPass({
      ...request,
      noise: (t, h) => {
        this.handed++;
        const standIn = this.ops.zeros(this.ops.shape(h));
        try {
          return request.noise(t, standIn, { std: this.stdFactor * populationStd(h.data) });
        } finally {
          this.ops.dispose(standIn);
        }
      },
    }) as PassResult<RefTensor, never>;
  }
}

function statsModel(seed: number) {
  const { ops, model } = linearFixture(seed);
  const m = new StatsHandingModel(ops, model.inputSize, model.hidden, model.outputs, model.w1, model.w2);
  return { ops, model: m };
}

/** Weights after three noisy steps (different batches, same seeds) on `model`. */
function train(
  { ops, model }: { ops: ReturnType<typeof linearFixture>['ops']; model: TwoLayerLinearModel },
  options: TrainingAlgorithmOptions,
): number[] {
  const algorithm = createTrainingAlgorithm(ops, options);
  for (let step = 0; step < 3; step++) {
    const batch = randomBatch(model, 6, 10 + step, [0, 1, 2, 0, 1, 2]);
    ops.dispose(algorithm.step(model, batch, { eps: 0.2, noise: true }, createRng(100 + step)).loss);
    ops.dispose([batch.x, batch.y]);
  }
  algorithm.dispose();
  expect(ops.numTensors).toBe(0);
  return [...model.w1, ...model.w2];
}

const cases: [string, TrainingAlgorithmOptions][] = [
  ['anl', { method: 'anl' }],
  ['anl, running std', { method: 'anl', std: 'running' }],
  ['canl', { method: 'canl', numClasses: 3 }],
  ['canl, running std', { method: 'canl', numClasses: 3, std: 'running' }],
  ['gaussian scaled by s(h)', { method: 'gaussian', methodOptions: { gaussian: { scaleByStd: true } } }],
  [
    'gaussian scaled by a running s(h)',
    { method: 'gaussian', std: 'running', methodOptions: { gaussian: { scaleByStd: true } } },
  ],
];

describe('noiseReadsOnlyStd: s(h) handed by the adapter instead of read from h', () => {
  it.each(cases)('%s: the same weights as with the real activations', (_, options) => {
    const plain = train(linearFixture(3), options);
    const stats = statsModel(3);
    const handed = train(stats, options);
    expect(stats.model.handed).toBeGreaterThan(0);
    handed.forEach((w, i) => {
      expect(Math.abs(w - plain[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(plain[i])));
    });
  });

  it('the method takes s(h) from the stats: twice the std gives ANL twice the noise', () => {
    const noiseWith = (factor: number) => {
      const { ops, model } = statsModel(4);
      model.stdFactor = factor;
      const algorithm = createTrainingAlgorithm(ops, { method: 'anl' });
      const batch = randomBatch(model, 4, 5);
      ops.dispose(algorithm.step(model, batch, { eps: 0.1, noise: true }, createRng(6)).loss);
      ops.dispose([batch.x, batch.y]);
      algorithm.dispose();
      // Round 2 carries the noise; its activations at point 0 are x W1ᵀ either way.
      return model.passes[1].noise[0] as Float32Array;
    };
    const once = noiseWith(1);
    const twice = noiseWith(2);
    expect(once.some((x) => x !== 0)).toBe(true);
    once.forEach((x, i) => {
      expect(twice[i]).toBeCloseTo(2 * x, 6);
    });
  });

  it('a std that is not a finite number >= 0 is refused, naming the model, and nothing is applied', () => {
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      const { ops, model } = statsModel(5);
      model.stdFactor = bad;
      const w = [...model.w1, ...model.w2];
      const algorithm = createTrainingAlgorithm(ops, { method: 'canl', numClasses: 2 });
      const batch = randomBatch(model, 4, 5, [0, 1, 0, 1]);
      expect(() => algorithm.step(model, batch, { eps: 0.1, noise: true }, createRng(1))).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'model' }),
      );
      expect([...model.w1, ...model.w2]).toEqual(w);
      expect(model.applied).toBe(0);
      ops.dispose([batch.x, batch.y]);
      algorithm.dispose();
      expect(ops.numTensors).toBe(0);
    }
  });
});
