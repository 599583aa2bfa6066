import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { Bounds } from './bounds';

/**
 * What an attack needs from a model, not which framework built it (ART's LossGradientsMixin idea).
 * Every method returns new tensors the caller owns; none keeps a reference to its arguments.
 * `classifierFromLayersModel` implements it for a tfjs LayersModel; anything else can implement it by hand.
 */
export interface Classifier {
  /** The valid input range; attacks check inputs against it and clip their outputs to it. */
  readonly bounds: Bounds;
  /** Number of classes (the logits' second dimension). */
  readonly numClasses: number;
  /** Unnormalised class scores, shape [B, numClasses] (log-probabilities also qualify). */
  logits(x: Tensor): Tensor2D;
  /**
   * dJ/dx for J = Σ_i loss(x_i, labels_i) (a SUM over the batch, so each sample's gradient does not
   * depend on the batch size). `labels`: int32 class indices [B]. Same shape as x.
   */
  lossGradient(x: Tensor, labels: Tensor1D): Tensor;
  /** Predicted class indices (argmax of the logits), int32 [B]. */
  predict(x: Tensor): Tensor1D;
  /** Optional: the activations of a named layer for x (used for the WM paper's activation MSE). */
  activations?(x: Tensor, layerName: string): Tensor;
}
