import type { TensorOpsV1 } from '../../tensor-ops';
import { disposeLossPass, runLossPass } from '../loss-pass';
import type { LossTermV1, TrainableModelV1 } from '../trainable-model';
import type { MethodRunner, StepContext } from './method-runner';

/** The options every input-space method shares (adversarial training, TRADES). */
export interface InputAttackOptions {
  /** The valid input range, e.g. [0, 1] pixels: every crafted input is clipped into it. */
  readonly bounds: readonly [number, number];
  /** Mode of the forwards that craft the attack (the update always runs in training mode). */
  readonly attackMode: 'inference' | 'training';
}

/** xAdv moved by `stepSize · sign(grad)`, projected onto the L∞ ball of radius eps around x, clipped to the bounds. */
export function signedStepInBall<T>(
  ops: TensorOpsV1<T>,
  x: T,
  xAdv: T,
  grad: T,
  stepSize: number,
  eps: number,
  bounds: readonly [number, number],
): T {
  return ops.tidy(() => {
    const moved = ops.add(xAdv, ops.scale(ops.sign(grad), stepSize));
    const delta = ops.clip(ops.sub(moved, x), -eps, eps);
    return ops.clip(ops.add(x, delta), bounds[0], bounds[1]);
  });
}

/** x + U(−eps, eps) per element, clipped to the bounds (a random start in the ball). */
export function uniformStart<T>(
  ops: TensorOpsV1<T>,
  x: T,
  eps: number,
  bounds: readonly [number, number],
  seed: number,
): T {
  return ops.tidy(() =>
    ops.clip(ops.add(x, ops.randomUniform(ops.shape(x), -eps, eps, seed)), bounds[0], bounds[1]),
  );
}

/**
 * dJ/dx of a loss over `inputs` (no weight gradients), at `inputs[at]`: one loss pass in the attack's
 * mode. Returns the gradient (the caller frees it).
 */
export function inputGradient<T>(
  model: TrainableModelV1<T>,
  inputs: readonly T[],
  y: T,
  batchSize: number,
  terms: readonly LossTermV1[],
  at: number,
  mode: InputAttackOptions['attackMode'],
): T {
  const result = runLossPass(model, {
    inputs,
    y,
    batchSize,
    terms,
    weightGradients: false,
    inputGradients: [at],
    mode,
  });
  model.ops.dispose(result.loss);
  return (result.inputGradients as readonly T[])[0];
}

/** `steps` signed steps of `stepSize` from `start` on the model's own loss, each projected (PGD); frees `start`. */
export function projectedAscent<T>(
  ctx: StepContext<T>,
  start: T,
  steps: number,
  stepSize: number,
  options: InputAttackOptions,
  terms: (xAdv: T) => { inputs: T[]; terms: LossTermV1[]; at: number },
): T {
  const { ops, model, batch, settings } = ctx;
  let xAdv = start;
  for (let s = 0; s < steps; s++) {
    const spec = terms(xAdv);
    const g = inputGradient(
      model,
      spec.inputs,
      batch.y,
      batch.batchSize,
      spec.terms,
      spec.at,
      options.attackMode,
    );
    try {
      const next = signedStepInBall(ops, batch.x, xAdv, g, stepSize, settings.eps, options.bounds);
      if (xAdv !== batch.x) ops.dispose(xAdv);
      xAdv = next;
    } finally {
      ops.dispose(g);
    }
  }
  return xAdv;
}

/** The model's own loss on input 0 (the term an attack on the loss ascends). */
export const OWN_LOSS: readonly LossTermV1[] = [{ kind: 'loss', input: 0, weight: 1 }];

/**
 * The update of every adversarial-training method: `cleanWeight · L(x) + (1 − cleanWeight) · L(x')`
 * in training mode, weight gradients applied. Frees `xAdv`; returns the loss (owned by the caller).
 */
export function adversarialUpdate<T>(ctx: StepContext<T>, xAdv: T, cleanWeight: number): T {
  const { batch } = ctx;
  if (cleanWeight === 0) return weightedUpdate(ctx, [xAdv], OWN_LOSS, xAdv);
  if (cleanWeight === 1) return weightedUpdate(ctx, [batch.x], OWN_LOSS, xAdv);
  const terms: LossTermV1[] = [
    { kind: 'loss', input: 0, weight: cleanWeight },
    { kind: 'loss', input: 1, weight: 1 - cleanWeight },
  ];
  return weightedUpdate(ctx, [batch.x, xAdv], terms, xAdv);
}

/** One loss pass with weight gradients over `inputs`, applied; frees `owned` (unless it is the batch). */
export function weightedUpdate<T>(
  ctx: StepContext<T>,
  inputs: readonly T[],
  terms: readonly LossTermV1[],
  owned: T | null,
): T {
  const { ops, model, batch } = ctx;
  try {
    const result = runLossPass(model, {
      inputs,
      y: batch.y,
      batchSize: batch.batchSize,
      terms,
      weightGradients: true,
      inputGradients: [],
      mode: 'training',
    });
    try {
      model.doApplyGradients(result.weightGradients as never);
    } catch (error) {
      disposeLossPass(model, result);
      throw error;
    }
    model.disposeGradients(result.weightGradients as never);
    return result.loss;
  } finally {
    if (owned !== null && owned !== batch.x) ops.dispose(owned);
  }
}

/** A runner with no state between steps. */
export function statelessRunner<T>(step: (ctx: StepContext<T>) => T): MethodRunner<T> {
  return { step, stateBytes: () => 0, dispose: () => {} };
}

/** What every input-space method declares: eps is the L∞ input radius, no noise layers, a loss pass. */
export const INPUT_SPACE_FLAGS = {
  injectsNoise: true,
  perturbs: 'inputs',
  needsLossPass: true,
  needsLabels: false,
  usesStd: false,
} as const;
