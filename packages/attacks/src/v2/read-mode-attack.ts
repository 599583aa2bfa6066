import type { AttackClassifier } from './attack-classifier';
import type { Attack, AttackLabels, AttackResult, AttackRunOptions } from './attack-run';
import type { ReadMode } from './classifier-reads';

/**
 * An attack written once against `ClassifierReads`: `run` and `runAsync` are the same algorithm and
 * differ only in which of the classifier's members they read through.
 */
export abstract class ReadModeAttack implements Attack {
  abstract readonly name: string;

  run<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
  ): Promise<AttackResult<T>> {
    return this.runWith(classifier, x, labels, options, 'sync');
  }

  runAsync<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
  ): Promise<AttackResult<T>> {
    return this.runWith(classifier, x, labels, options, 'async');
  }

  protected abstract runWith<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
    mode: ReadMode,
  ): Promise<AttackResult<T>>;
}
