import type { Rng } from '../rng/rng';
import type { TensorOpsV1 } from '../tensor-ops';
import type { Batch, StepOutcome, StepSettings, TrainingAlgorithm } from './algorithm';
import { plainStep } from './methods/plain-step';
import type { BatchShard } from './batch-shard';
import { NoiseScale } from './noise-scale';
import { resolveOptions, type TrainingAlgorithmOptions } from './options';
import { hasReplicatedSteps, type ReplicatedStepsV1 } from './replicated-steps';
import type { TrainableModelV1 } from './trainable-model';
import { validateStep } from './validate-step';

/**
 * A registered noise method (SPEC.md's built-ins or one added with `registerNoiseMethod`) written
 * once against `TrainableModelV1`. Every step validates its arguments first. With noise off
 * (`settings.noise === false`), eps = 0 or a model without noise points, every method takes the
 * baseline step (one pass, no noise) and leaves its state alone. Input-space methods
 * (`perturbs: 'inputs'`) need no noise points, refuse eps < 0 and, with `needsLossPass`, a model
 * without `doLossPass` (AnlError UNSUPPORTED naming `model`).
 */
export function createTrainingAlgorithm<T>(
  ops: TensorOpsV1<T>,
  options: TrainingAlgorithmOptions,
): TrainingAlgorithm<T> {
  const resolved = resolveOptions(options);
  const { definition } = resolved;
  const runner = definition.createRunner<T>({
    ops,
    options: resolved.methodOptions,
    common: { std: resolved.std, runningMomentum: resolved.runningMomentum, numClasses: resolved.numClasses },
    noiseScale: () => new NoiseScale(ops, resolved.std, resolved.runningMomentum),
  });
  const id = nextAlgorithmId++;
  // Replicated models this algorithm ran steps on: they hold its state on their replicas.
  const replicated = new Set<ReplicatedStepsV1<T>>();
  return {
    method: resolved.method,
    step(
      model: TrainableModelV1<T>,
      batch: Batch<T>,
      settings: StepSettings,
      rng: Rng,
      shard?: BatchShard<T>,
    ): StepOutcome<T> {
      const labels = validateStep(
        definition,
        resolved.numClasses,
        model,
        batch,
        settings,
        rng,
        shard !== undefined,
      );
      if (shard === undefined && definition.shardable === true && hasReplicatedSteps<T>(model)) {
        const loss = model.replicatedStep({ algorithm: id, options, batch, settings, rng });
        if (loss !== null) {
          replicated.add(model);
          return { loss };
        }
      }
      const ctx = { ops, model, batch, settings, rng, labels, ...(shard === undefined ? {} : { shard }) };
      // Input-space methods (adversarial training) need no noise points; eps is their input radius.
      const hasTarget = definition.perturbs === 'inputs' || model.noisePoints.length > 0;
      const noisy = runner !== null && settings.noise && settings.eps !== 0 && hasTarget;
      return { loss: noisy ? runner.step(ctx) : plainStep(ctx) };
    },
    stateBytes: () =>
      Math.max(runner?.stateBytes() ?? 0, ...[...replicated].map((m) => m.replicatedStateBytes(id))),
    dispose: () => {
      runner?.dispose();
      for (const m of replicated) m.releaseAlgorithm(id);
      replicated.clear();
    },
  };
}

/** Ids of algorithms, so a replicated model keeps each algorithm's state apart. */
let nextAlgorithmId = 1;
