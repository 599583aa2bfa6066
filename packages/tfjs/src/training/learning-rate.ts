import type { Optimizer } from '@tensorflow/tfjs-core';

/**
 * Sets a tfjs optimizer's learning rate. SGD and momentum cache it as a tensor and expose
 * `setLearningRate`; adam, rmsprop, adagrad, adadelta and adamax read the `learningRate` field
 * on every update.
 */
export function setLearningRate(optimizer: Optimizer, rate: number): void {
  const settable = optimizer as unknown as {
    setLearningRate?: (rate: number) => void;
    learningRate?: number;
  };
  if (typeof settable.setLearningRate === 'function') settable.setLearningRate(rate);
  else settable.learningRate = rate;
}
