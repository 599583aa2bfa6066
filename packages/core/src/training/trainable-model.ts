import type { TensorOpsV1 } from '../tensor-ops';

/** A place in a network where noise is added: its name and the shape of one sample's activation. */
export interface NoisePointInfo {
  readonly name: string;
  readonly sampleShape: readonly number[];
}

/**
 * Called by the adapter during a forward pass, once per noise point in forward order, with that
 * point's activation `h` (shape `[B, ...sampleShape]`). Returns the noise `eta` to add (same shape)
 * or `null` for none. The adapter adds it as a constant: no gradient flows through `eta` into `h`.
 * Tensors the callback wants to outlive the pass (e.g. a running std) it must `ops.keep`.
 */
export type NoiseFn<T> = (point: number, h: T, stats?: ActivationStats) => T | null;

/**
 * What an adapter may hand a noise function besides `h` in a pass marked `noiseReadsOnlyStd`:
 * s(h), the population std of the whole batch's activations at the point, computed where the
 * activations live (the worker pool: from each worker's rows), so `h` may be a stand-in.
 */
export interface ActivationStats {
  readonly std: number;
}

/**
 * Noise made of a few rows, in the form an adapter can build where the activations live:
 * `eta[i] = table[rows[i]] · coefficient[i]`, i.e. `ops.mulPerSample(ops.gatherRows(table, rows),
 * coefficient)` (CANL: the class gradients, one row per class). `table` (`[R, ...sampleShape]`)
 * stays the method's; `coefficient` (`[B]`) is freed after the pass like any noise.
 */
export interface RowsNoise<T> {
  readonly table: T;
  /** One row index of `table` per sample, length B. */
  readonly rows: Int32Array;
  readonly coefficient: T;
}

/** `PassRequest.noiseAsRows`: the same noise as `noise`, as rows; null for none. */
export type RowsNoiseFn<T> = (point: number, h: T, stats?: ActivationStats) => RowsNoise<T> | null;

/** One forward (+ backward) pass that a training algorithm asks of the model. */
export interface PassRequest<T> {
  /** The batch input, in the adapter's own format. */
  readonly x: T;
  /** The batch targets, in the adapter's own format (e.g. one-hot). */
  readonly y: T;
  readonly batchSize: number;
  readonly noise: NoiseFn<T>;
  /** Compute dJ/dW for the trainable weights (for `doApplyGradients`). */
  readonly weightGradients: boolean;
  /**
   * Compute dJ/dh_hat at every noise point (shape `[B, ...sampleShape]` each). With
   * `weightGradients: false` the backward pass must not run weight-gradient kernels.
   */
  readonly noiseGradients: boolean;
  /**
   * True when `noise` looks at nothing of `h` but its shape (a baseline pass returns null, ANL's
   * round 2 and LAT return noise computed beforehand). An adapter whose activations live elsewhere
   * (the tfjs worker pool) may then call it up front with a stand-in `h` of the right shape instead
   * of gathering the activations. Optional; absent means `noise` may read `h`.
   */
  readonly noiseIgnoresActivations?: boolean;
  /**
   * True when `noise` returns null at every point and only reads `h` (ANL's round 1 records s(h)):
   * an adapter whose activations live elsewhere may call it once the pass is over, in point order,
   * with the activations the pass saw. Optional; absent means the noise must be had during the pass.
   */
  readonly noiseObservesOnly?: boolean;
  /**
   * True when `noise` reads nothing of `h` but its shape and s(h), its population std, and takes
   * s(h) from its third argument when one is given (ANL, CANL, Gaussian scaled by s(h)). An adapter
   * whose activations live elsewhere (the tfjs worker pool) may then compute the std where they are
   * and call `noise` with a stand-in `h` of the right shape and `{ std }`, instead of gathering the
   * activations. Optional; an adapter that ignores it passes the real `h` and no stats.
   */
  readonly noiseReadsOnlyStd?: boolean;
  /**
   * The same noise as `noise` (the same values, the same random draws) as a `RowsNoise`: an adapter
   * whose activations live elsewhere (the tfjs worker pool) may call it instead of `noise` at a
   * point, and build each worker's rows of eta there. It reads `h` as `noise` does (with
   * `noiseReadsOnlyStd`, a stand-in and `stats`). Optional; for each point call one or the other.
   */
  readonly noiseAsRows?: RowsNoiseFn<T>;
}

/** What a pass returns. The caller owns and disposes every tensor (and `disposeGradients(weightGradients)`). */
export interface PassResult<T, G> {
  /** The mean loss over the batch, shape `[]`, left on the device. */
  readonly loss: T;
  readonly weightGradients?: G;
  readonly noiseGradients?: readonly T[];
}

/**
 * One term of a method-provided loss (`doLossPass`), version 1. Every term is a batch mean:
 * - `'loss'`: the model's own training loss (what `doPass` minimises) on `inputs[input]` against `y`;
 * - `'kl'`: KL(p(inputs[from]) ‖ p(inputs[to])), p the model's class probabilities (its softmax
 *   outputs, or softmax of its logits), Σ_c p_c (log p_c − log q_c) per sample; with `fixFrom` the
 *   first distribution is a constant (no gradient flows through it: TRADES's inner maximisation).
 * A loss is Σ weight · term. New kinds come with a new version, so an adapter never meets one it
 * does not know.
 */
export type LossTermV1 =
  | { readonly kind: 'loss'; readonly input: number; readonly weight: number }
  | {
      readonly kind: 'kl';
      readonly from: number;
      readonly to: number;
      readonly weight: number;
      readonly fixFrom?: boolean;
    };

/**
 * A pass whose loss the training method composes, over one or more versions of the batch's input
 * (e.g. clean and adversarial). Forwards run in training mode with every noise point the identity
 * (input-space methods add no activation noise); `attackMode: 'inference'` runs them in inference
 * mode instead (for crafting attacks with dropout / noise off).
 */
export interface LossPassRequest<T> {
  /** Model inputs, each of the batch's shape `[B, ...inputShape]`. */
  readonly inputs: readonly T[];
  readonly y: T;
  readonly batchSize: number;
  readonly terms: readonly LossTermV1[];
  /** Compute dJ/dW (for `doApplyGradients`). */
  readonly weightGradients: boolean;
  /** Indices into `inputs` whose gradient dJ/dx is wanted (returned in this order). */
  readonly inputGradients: readonly number[];
  /** 'training' (default) or 'inference': the mode of every forward in this pass. */
  readonly mode?: 'training' | 'inference';
}

/** What a loss pass returns; the caller owns every tensor (and `disposeGradients(weightGradients)`). */
export interface LossPassResult<T, G> {
  /** Σ weight · term, shape `[]`. */
  readonly loss: T;
  readonly weightGradients?: G;
  /** One per entry of `request.inputGradients`, each of its input's shape. */
  readonly inputGradients?: readonly T[];
}

/**
 * The "differentiable step" an adapter fulfils so @anl/core's training algorithms (ANL, CANL, LAT,
 * Gaussian, ANP, none) run on its models. Methods start with `do` so users don't call them by accident.
 * `G` is the adapter's own representation of weight gradients, opaque to core.
 */
export interface TrainableModelV1<T, G = unknown> {
  readonly specificationVersion: 'v1';
  readonly ops: TensorOpsV1<T>;
  readonly noisePoints: readonly NoisePointInfo[];
  doPass(request: PassRequest<T>): PassResult<T, G>;
  /** Applies gradients with the model's optimizer. Must leave weights unchanged if it throws. */
  doApplyGradients(gradients: G): void;
  disposeGradients(gradients: G): void;
  /**
   * Optional capability (added within v1; methods that call it declare `needsLossPass`): a pass with
   * a method-provided loss, for input-space training methods (FGSM / PGD / fast adversarial
   * training, TRADES). A model without it trains every other method.
   */
  doLossPass?(request: LossPassRequest<T>): LossPassResult<T, G>;
}
