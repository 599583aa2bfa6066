import { AnlError, invalidArgument } from '@anl/core';
import { ApgdAttack } from './apgd';
import type { AttackClassifier } from './attack-classifier';
import {
  type Attack,
  type AttackLabels,
  checkRun,
  copyOf,
  fractionZero,
  logitsOf,
  rowsWhere,
  successOf,
} from './attack-run';
import type { ReadMode } from './classifier-reads';
import { integerSetting } from './eot';
import { SquareAttack } from './square';

export interface AutoAttackOptions {
  norm: 'linf' | 'l2';
  eps: number;
  /**
   * 'standard': APGD-CE, APGD-T (targeted DLR), Square (FAB-T is not included).
   * 'rand' (for randomised defences): APGD-CE and APGD-DLR with EOT over 20 draws.
   */
  version?: 'standard' | 'rand';
  /** APGD iterations (default 100). */
  steps?: number;
  /** APGD-T target classes (default 9, or numClasses − 1 when smaller). */
  targetClasses?: number;
  /** Square queries (default 5000). */
  queries?: number;
  /** EOT draws in the 'rand' version (default 20). */
  eot?: number;
  seed?: number;
}

export interface AutoAttackStage {
  attack: string;
  /** Robust accuracy after this attack (over all inputs). */
  robustAccuracy: number;
  /** Inputs this attack newly fooled. */
  newlyFooled: number;
  seconds: number;
}

export interface AutoAttackResult<T> {
  version: 'standard' | 'rand';
  norm: 'linf' | 'l2';
  eps: number;
  cleanAccuracy: number;
  stages: AutoAttackStage[];
  /** Robust accuracy after every attack. */
  robustAccuracy: number;
  /** 1 where some attack succeeded (or the clean input was already misclassified). */
  success: Uint8Array;
  /** The adversarial inputs (x where none was found). The caller's. */
  adversarial: T;
}

/** The attack sequence of a version, as the reference implementation lists it. */
export function autoAttackSequence(numClasses: number, options: AutoAttackOptions): Attack[] {
  const version = options.version ?? 'standard';
  const steps = options.steps ?? 100;
  const seed = options.seed ?? 0;
  const norm = options.norm;
  if (version === 'rand') {
    const eot = options.eot ?? 20;
    return [
      new ApgdAttack({ norm, loss: 'ce', steps, eot, seed }),
      new ApgdAttack({ norm, loss: 'dlr', steps, eot, seed }),
    ];
  }
  const targetClasses = Math.min(options.targetClasses ?? 9, numClasses - 1);
  return [
    new ApgdAttack({ norm, loss: 'ce', steps, seed }),
    new ApgdAttack({ norm, loss: numClasses >= 4 ? 'dlr' : 'ce', steps, targetClasses, seed }),
    new SquareAttack({ norm, queries: options.queries ?? 5000, seed }),
  ];
}

/**
 * AutoAttack (Croce & Hein, ICML 2020): the attacks of a version in sequence, each on the inputs
 * still classified correctly, reporting robust accuracy after each and overall. Reads through the
 * classifier's synchronous members (its async ones where it says it cannot read synchronously now).
 */
export function autoAttack<T>(
  classifier: AttackClassifier<T>,
  x: T,
  labels: AttackLabels,
  options: AutoAttackOptions,
): Promise<AutoAttackResult<T>> {
  return autoAttackWith(classifier, x, labels, options, 'sync');
}

/**
 * `autoAttack` through the classifier's `logitsAsync`/`gradientAsync` (the tfjs webgpu backend in
 * Node): the same attacks, the same random draws.
 */
export function autoAttackAsync<T>(
  classifier: AttackClassifier<T>,
  x: T,
  labels: AttackLabels,
  options: AutoAttackOptions,
): Promise<AutoAttackResult<T>> {
  return autoAttackWith(classifier, x, labels, options, 'async');
}

async function autoAttackWith<T>(
  classifier: AttackClassifier<T>,
  x: T,
  labels: AttackLabels,
  options: AutoAttackOptions,
  mode: ReadMode,
): Promise<AutoAttackResult<T>> {
  if (options == null || typeof options !== 'object')
    invalidArgument('options', 'an object { norm, eps }', options);
  const { norm, eps } = options;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0)
    invalidArgument('options.eps', 'a finite number >= 0', eps);
  if (norm !== 'linf' && norm !== 'l2') invalidArgument('options.norm', "'linf' or 'l2'", norm);
  const version = options.version ?? 'standard';
  if (version !== 'standard' && version !== 'rand')
    invalidArgument('options.version', "'standard' or 'rand'", version);
  for (const key of ['steps', 'targetClasses', 'queries', 'eot'] as const) {
    if (options[key] !== undefined) integerSetting(options[key], `options.${key}`, 1);
  }
  const run = await checkRun(classifier, x, labels, { epsilons: [eps] }, false, mode);
  if (classifier.numClasses < 3 && version === 'standard') {
    throw new AnlError('UNSUPPORTED', 'AutoAttack standard needs at least 3 classes (DLR loss)', {
      argument: 'classifier',
    });
  }
  const { ops } = run;
  const success = successOf(run, await logitsOf(run, x));
  const cleanAccuracy = fractionZero(success);
  let adversarial = copyOf(run, x);
  const stages: AutoAttackStage[] = [];
  try {
    for (const attack of autoAttackSequence(classifier.numClasses, options)) {
      const started = Date.now();
      const rows = rowsWhere(success.map((s) => 1 - s));
      let newlyFooled = 0;
      if (rows.length > 0) {
        const xs = ops.gatherRows(x, rows);
        try {
          const rowLabels = Array.from(rows, (i) => run.labels[i]);
          const result =
            mode === 'async' && attack.runAsync !== undefined
              ? await attack.runAsync(classifier, xs, rowLabels, { epsilons: [eps] })
              : await attack.run(classifier, xs, rowLabels, { epsilons: [eps] });
          const { adversarial: found, success: fooledMask } = result.results[0];
          try {
            const fooled = rowsWhere(fooledMask);
            const next = ops.scatterRows(
              adversarial,
              Int32Array.from(fooled, (i) => rows[i]),
              found,
              fooled,
            );
            ops.dispose(adversarial);
            adversarial = next;
            for (const i of fooled) success[rows[i]] = 1;
            newlyFooled = fooled.length;
          } finally {
            ops.dispose(found);
          }
        } finally {
          ops.dispose(xs);
        }
      }
      stages.push({
        attack: attack.name,
        robustAccuracy: fractionZero(success),
        newlyFooled,
        seconds: (Date.now() - started) / 1000,
      });
    }
  } catch (error) {
    ops.dispose(adversarial);
    throw error;
  }
  return {
    version,
    norm,
    eps,
    cleanAccuracy,
    stages,
    robustAccuracy: fractionZero(success),
    success,
    adversarial,
  };
}
