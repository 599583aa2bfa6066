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
export type NoiseFn<T> = (point: number, h: T) => T | null;

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
}

/** What a pass returns. The caller owns and disposes every tensor (and `disposeGradients(weightGradients)`). */
export interface PassResult<T, G> {
  /** The mean loss over the batch, shape `[]`, left on the device. */
  readonly loss: T;
  readonly weightGradients?: G;
  readonly noiseGradients?: readonly T[];
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
}
