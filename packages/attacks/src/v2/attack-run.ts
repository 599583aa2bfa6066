import { AnlError, invalidArgument, type TensorOpsV1 } from '@anl/core';
import { validateBounds } from '../bounds';
import type { AttackClassifier, ClassifierGradient, OutputGradient } from './attack-classifier';
import { type ClassifierReads, classifierReads, type ReadMode } from './classifier-reads';
import { argmaxRows } from './losses';

/** True labels (class indices), or the model's own predictions, asked for by name. */
export type AttackLabels = ArrayLike<number> | 'predicted';

export interface AttackRunOptions {
  /** Perturbation budgets, one result each (foolbox's epsilons), in input units. */
  epsilons: readonly number[];
  /** Targeted attacks only: the class each input should be pushed to. */
  targets?: ArrayLike<number>;
}

/** One epsilon's outcome. */
export interface EpsilonResult<T> {
  eps: number;
  /** Adversarial inputs [B, ...], inside the eps-ball around x and inside the bounds. The caller's. */
  adversarial: T;
  /** 1 where the attack succeeded (untargeted: misclassified; targeted: classified as the target). */
  success: Uint8Array;
  /** Fraction of inputs still classified correctly (untargeted) or not moved to the target (targeted). */
  robustAccuracy: number;
}

export interface AttackResult<T> {
  attack: string;
  /** Clean accuracy against the labels used. */
  cleanAccuracy: number;
  results: EpsilonResult<T>[];
}

/** A configured attack: settings at construction, data at `run` (foolbox's design). */
export interface Attack {
  readonly name: string;
  /**
   * Runs through the classifier's synchronous `logits`/`gradient` (its async members where it says it
   * cannot read synchronously now).
   */
  run<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
  ): Promise<AttackResult<T>>;
  /**
   * The same attack through `logitsAsync`/`gradientAsync` (the tfjs webgpu backend in Node): the same
   * algorithm, the same random draws. Optional for attacks written outside this package.
   */
  runAsync?<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
  ): Promise<AttackResult<T>>;
}

/** Everything `run` checked, on the host. */
export interface CheckedRun<T> {
  classifier: AttackClassifier<T>;
  /** The classifier's reads for this run's mode. */
  reads: ClassifierReads<T>;
  ops: TensorOpsV1<T>;
  shape: number[];
  batch: number;
  labels: Int32Array;
  targets?: Int32Array;
  epsilons: number[];
}

function classIndices(values: unknown, batch: number, numClasses: number, argument: string): Int32Array {
  if (
    values == null ||
    typeof (values as ArrayLike<number>).length !== 'number' ||
    typeof values === 'string'
  ) {
    return invalidArgument(argument, "class indices (an array of integers) or 'predicted'", values);
  }
  const list = values as ArrayLike<number>;
  if (list.length !== batch) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have one entry per input (length ${batch}), got length ${list.length}`,
      { argument },
    );
  }
  const out = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const v = list[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new AnlError(
        'INVALID_LABELS',
        `${argument}[${i}] must be an integer class index in [0, ${numClasses}), got ${String(v)}`,
        { argument },
      );
    }
    out[i] = v;
  }
  return out;
}

/** Logits from the classifier, refused when any is NaN or infinite (a broken model, not an attack). */
export function checkedLogits(logits: Float32Array, expected: number): Float32Array {
  if (logits.length !== expected) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `classifier returned ${logits.length} logits, expected ${expected} ([batch, numClasses])`,
      { argument: 'classifier' },
    );
  }
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i])) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `classifier returned a non-finite logit (${logits[i]}) at index ${i}`,
        {
          argument: 'classifier',
        },
      );
    }
  }
  return logits;
}

/** Host logits of x, checked. */
export async function logitsOf<T>(run: CheckedRun<T>, x: T): Promise<Float32Array> {
  return checkedLogits(await run.reads.logits(x), run.ops.shape(x)[0] * run.classifier.numClasses);
}

/** One gradient call, logits checked. */
export async function gradientOf<T>(
  run: CheckedRun<T>,
  x: T,
  w: OutputGradient,
): Promise<ClassifierGradient<T>> {
  const out = await run.reads.gradient(x, w);
  try {
    checkedLogits(out.logits, run.ops.shape(x)[0] * run.classifier.numClasses);
  } catch (error) {
    run.ops.dispose(out.gradient);
    throw error;
  }
  return out;
}

/**
 * Checks classifier, x, labels and options before anything runs; x must lie in the bounds.
 * 'predicted' labels are the classifier's argmax on x. `mode` picks the classifier's reads.
 */
export async function checkRun<T>(
  classifier: AttackClassifier<T>,
  x: T,
  labels: AttackLabels,
  options: AttackRunOptions,
  targeted: boolean,
  mode: ReadMode,
): Promise<CheckedRun<T>> {
  if (
    classifier == null ||
    typeof classifier.logits !== 'function' ||
    typeof classifier.gradient !== 'function' ||
    classifier.ops == null
  ) {
    invalidArgument(
      'classifier',
      'an AttackClassifier (ops, bounds, numClasses, logits, gradient)',
      classifier,
    );
  }
  const [lo, hi] = validateBounds(classifier.bounds, 'classifier.bounds');
  const ops = classifier.ops;
  let shape: number[];
  try {
    shape = ops.shape(x);
  } catch (cause) {
    throw new AnlError('INVALID_ARGUMENT', `x must be a tensor of ${ops.name}`, { argument: 'x', cause });
  }
  if (shape.length < 2 || shape[0] < 1) {
    throw new AnlError('SHAPE_MISMATCH', `x must be a batch of shape [B, ...], got [${shape.join(', ')}]`, {
      argument: 'x',
    });
  }
  if (options == null || typeof options !== 'object')
    invalidArgument('options', 'an object with epsilons', options);
  const list = options.epsilons;
  if (!Array.isArray(list) || list.length === 0) {
    invalidArgument('options.epsilons', 'a non-empty array of finite numbers >= 0', list);
  }
  const epsilons = list.map((e, i) => {
    if (typeof e !== 'number' || !Number.isFinite(e) || e < 0) {
      invalidArgument(`options.epsilons[${i}]`, 'a finite number >= 0', e);
    }
    return e;
  });
  const batch = shape[0];
  const values = await ops.toArray(x);
  const slack = 1e-6 * (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo - slack && v <= hi + slack)) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `x must lie inside the classifier's bounds [${lo}, ${hi}], got ${v} at index ${i}`,
        {
          argument: 'x',
        },
      );
    }
  }
  const c = classifier.numClasses;
  let targets: Int32Array | undefined;
  if (targeted) {
    if (options.targets === undefined)
      invalidArgument('options.targets', 'target class indices for a targeted attack', undefined);
    targets = classIndices(options.targets, batch, c, 'options.targets');
  } else if (options.targets !== undefined) {
    invalidArgument('options.targets', 'absent for an untargeted attack', options.targets);
  }
  const reads = classifierReads(classifier, mode);
  const run: CheckedRun<T> = {
    classifier,
    reads,
    ops,
    shape,
    batch,
    labels: new Int32Array(0),
    targets,
    epsilons,
  };
  if (labels === 'predicted') run.labels = argmaxRows(await logitsOf(run, x), c);
  else run.labels = classIndices(labels, batch, c, 'labels');
  return run;
}

/** 1 where the logits count as a success for this run. */
export function successOf<T>(run: CheckedRun<T>, logits: Float32Array): Uint8Array {
  const predicted = argmaxRows(logits, run.classifier.numClasses);
  return Uint8Array.from(predicted, (p, i) =>
    run.targets === undefined ? Number(p !== run.labels[i]) : Number(p === run.targets[i]),
  );
}

export function fractionZero(mask: Uint8Array): number {
  let zeros = 0;
  for (const m of mask) zeros += m === 0 ? 1 : 0;
  return zeros / mask.length;
}

/** Rows where `mask` is 1, as Int32Array (for gatherRows / scatterRows). */
export function rowsWhere(mask: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return Int32Array.from(out);
}

/** A copy of t the caller owns. */
export function copyOf<T>(run: { ops: TensorOpsV1<T>; shape: number[] }, t: T): T {
  return run.ops.tidy(() => run.ops.add(t, run.ops.zeros(run.ops.shape(t))));
}
