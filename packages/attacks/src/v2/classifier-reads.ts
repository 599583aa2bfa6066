import { AnlError } from '@anl/core';
import type { AttackClassifier, ClassifierGradient, OutputGradient } from './attack-classifier';

/**
 * How an attack reaches its classifier: every attack is written once against this, and `run` /
 * `runAsync` differ only in which of the classifier's members it calls.
 */
export interface ClassifierReads<T> {
  logits(x: T): Promise<Float32Array>;
  gradient(x: T, outputGradient: OutputGradient): Promise<ClassifierGradient<T>>;
}

/** 'sync': logits()/gradient(); 'async': logitsAsync()/gradientAsync() where the classifier has them. */
export type ReadMode = 'sync' | 'async';

/**
 * The reads of a mode. 'sync' falls over to the async members when the classifier says it cannot read
 * synchronously now (`readsSync() === false`) and has them; 'async' uses the sync members of a
 * classifier without async ones (a host classifier: nothing to wait for).
 */
export function classifierReads<T>(classifier: AttackClassifier<T>, mode: ReadMode): ClassifierReads<T> {
  const hasAsync =
    typeof classifier.logitsAsync === 'function' && typeof classifier.gradientAsync === 'function';
  const useAsync = hasAsync && (mode === 'async' || classifier.readsSync?.() === false);
  if (useAsync) {
    return {
      logits: (x) => (classifier.logitsAsync as (x: T) => Promise<Float32Array>).call(classifier, x),
      gradient: (x, w) =>
        (classifier.gradientAsync as (x: T, w: OutputGradient) => Promise<ClassifierGradient<T>>).call(
          classifier,
          x,
          w,
        ),
    };
  }
  if (classifier.readsSync?.() === false) {
    throw new AnlError(
      'UNSUPPORTED',
      'the classifier cannot read synchronously on the active backend and has no logitsAsync/gradientAsync',
      { argument: 'classifier' },
    );
  }
  return {
    logits: async (x) => classifier.logits(x),
    gradient: async (x, w) => classifier.gradient(x, w),
  };
}
