import { AnlError } from '../errors';
import { assertShape } from '../shape';
import type { TensorOpsV1 } from '../tensor-ops';
import type {
  ActivationStats,
  NoiseFn,
  PassResult,
  RowsNoise,
  RowsNoiseFn,
  TrainableModelV1,
} from './trainable-model';

/**
 * Noise for point `t` given activations `h` (and, in a `noiseReadsOnlyStd` pass, possibly s(h) in
 * `stats`); null for none. Tensors returned are freed after the pass.
 */
export type PointNoise<T> = (t: number, h: T, stats?: ActivationStats) => T | null;

export interface PassOptions<T> {
  readonly x: T;
  readonly y: T;
  readonly batchSize: number;
  readonly noise: PointNoise<T>;
  readonly weightGradients: boolean;
  readonly noiseGradients: boolean;
  /** See `PassRequest.noiseIgnoresActivations`. */
  readonly noiseIgnoresActivations?: boolean;
  /** See `PassRequest.noiseObservesOnly`. */
  readonly noiseObservesOnly?: boolean;
  /** See `PassRequest.noiseReadsOnlyStd`. */
  readonly noiseReadsOnlyStd?: boolean;
  /** See `PassRequest.noiseAsRows`: the same noise as `noise`, as rows of a table. */
  readonly noiseAsRows?: (t: number, h: T, stats?: ActivationStats) => RowsNoise<T> | null;
}

/**
 * Runs one `doPass`, checking what the adapter hands over: each activation's shape
 * `[B, ...sampleShape]`, and one noise gradient per point when asked for. The noise tensors are
 * kept through the adapter's own scopes and freed here once the pass is over; on an error
 * everything the pass produced is freed before rethrowing.
 */
export function runPass<T, G>(model: TrainableModelV1<T, G>, options: PassOptions<T>): PassResult<T, G> {
  const ops = model.ops;
  const points = model.noisePoints;
  const owned = new Set<T>();
  const check = (t: number, h: T, stats: ActivationStats | undefined) => {
    if (!Number.isInteger(t) || t < 0 || t >= points.length) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `noise point must be an integer in [0, ${points.length}), got ${t}`,
        {
          argument: 'point',
        },
      );
    }
    assertShape(
      ops.shape(h),
      [options.batchSize, ...points[t].sampleShape],
      `activation at noise point ${points[t].name}`,
    );
    if (stats !== undefined && !(Number.isFinite(stats.std) && stats.std >= 0)) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `the std handed with the activation at noise point ${points[t].name} must be a finite number >= 0, got ${stats.std}`,
        { argument: 'model' },
      );
    }
  };
  const noise: NoiseFn<T> = (t, h, stats) => {
    check(t, h, stats);
    const eta = options.noise(t, h, stats);
    if (eta === null) return null;
    owned.add(ops.keep(eta));
    return eta;
  };
  const asRows = options.noiseAsRows;
  const noiseAsRows: RowsNoiseFn<T> | undefined =
    asRows === undefined
      ? undefined
      : (t, h, stats) => {
          check(t, h, stats);
          const eta = asRows(t, h, stats);
          if (eta === null) return null;
          owned.add(ops.keep(eta.coefficient));
          checkRowsNoise(ops, eta, options.batchSize, points[t]);
          return eta;
        };
  let result: PassResult<T, G> | undefined;
  try {
    result = model.doPass({
      x: options.x,
      y: options.y,
      batchSize: options.batchSize,
      noise,
      weightGradients: options.weightGradients,
      noiseGradients: options.noiseGradients,
      ...(options.noiseIgnoresActivations === true ? { noiseIgnoresActivations: true } : {}),
      ...(options.noiseObservesOnly === true ? { noiseObservesOnly: true } : {}),
      ...(options.noiseReadsOnlyStd === true ? { noiseReadsOnlyStd: true } : {}),
      ...(noiseAsRows !== undefined ? { noiseAsRows } : {}),
    });
    checkResult(model, result, options);
    return result;
  } catch (error) {
    if (result !== undefined) disposeResult(model, result);
    throw error;
  } finally {
    ops.dispose([...owned]);
  }
}

/** A method's `RowsNoise`: a `[R, ...sampleShape]` table, B row indices in [0, R), a `[B]` coefficient. */
function checkRowsNoise<T>(
  ops: TensorOpsV1<T>,
  eta: RowsNoise<T>,
  batchSize: number,
  point: { readonly name: string; readonly sampleShape: readonly number[] },
): void {
  const tableShape = ops.shape(eta.table);
  assertShape(tableShape.slice(1), point.sampleShape, `noise table at noise point ${point.name}`);
  assertShape(ops.shape(eta.coefficient), [batchSize], `noise coefficient at noise point ${point.name}`);
  const rows = eta.rows;
  const bad =
    rows instanceof Int32Array && rows.length === batchSize
      ? rows.findIndex((r) => r < 0 || r >= tableShape[0])
      : 0;
  if (bad >= 0) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `noise rows at noise point ${point.name} must be an Int32Array of ${batchSize} indices in [0, ${tableShape[0]})`,
      { argument: 'noise' },
    );
  }
}

function checkResult<T, G>(
  model: TrainableModelV1<T, G>,
  result: PassResult<T, G>,
  options: PassOptions<T>,
): void {
  const ops = model.ops;
  if (options.weightGradients && result.weightGradients === undefined) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      'model.doPass must return weightGradients when asked for them, got none',
      {
        argument: 'model',
      },
    );
  }
  if (options.noiseGradients) {
    const grads = result.noiseGradients;
    if (grads === undefined || grads.length !== model.noisePoints.length) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `model.doPass must return ${model.noisePoints.length} noise gradients (one per noise point), got ${grads === undefined ? 'no array' : grads.length}`,
        { argument: 'model' },
      );
    }
    grads.forEach((g, t) => {
      assertShape(
        ops.shape(g),
        [options.batchSize, ...model.noisePoints[t].sampleShape],
        `noise gradient ${t}`,
      );
    });
  }
}

/** Frees everything a pass returned. */
export function disposeResult<T, G>(model: TrainableModelV1<T, G>, result: PassResult<T, G>): void {
  model.ops.dispose(result.loss);
  if (result.weightGradients !== undefined) model.disposeGradients(result.weightGradients);
  if (result.noiseGradients !== undefined) model.ops.dispose(result.noiseGradients);
}

/** Applies a pass's weight gradients and frees them (also when applying throws). */
export function applyWeightGradients<T, G>(model: TrainableModelV1<T, G>, result: PassResult<T, G>): void {
  const gradients = result.weightGradients as G;
  try {
    model.doApplyGradients(gradients);
  } finally {
    model.disposeGradients(gradients);
  }
}

/** Frees a list of tensors, for `finally` blocks. */
export function disposeAll<T>(ops: TensorOpsV1<T>, tensors: readonly (T | null | undefined)[]): void {
  ops.dispose(tensors.filter((t): t is T => t !== null && t !== undefined));
}
