/**
 * One replica's part of a batch in data-parallel training run SPMD-style (the tfjs worker pool):
 * every replica runs the same step, with the same rng state, on its rows `[start, end)` of a batch
 * of `batchSize`; its `StepContext.batch` holds just those rows (none, for a replica beyond a batch
 * smaller than the replicas: it still takes part, so its state stays the others'). What a method needs of the whole
 * batch it takes from here: its rows of whole-batch random draws, the whole batch's labels, and
 * rows that live on other replicas (`gatherRows`, which every replica calls at the same moment).
 * s(h) of the whole batch reaches the noise function as `stats` (see `PassRequest.noiseReadsOnlyStd`).
 */
export interface BatchShard<T> {
  readonly start: number;
  readonly end: number;
  /** Rows of the whole batch. */
  readonly batchSize: number;
  /** The whole batch's labels (length `batchSize`), when the batch has labels. */
  readonly labels?: Int32Array;
  /**
   * For each part, rows `indices` of a `[of, ...]` tensor (`of`: this batch's size by default, or an
   * earlier batch's) of which each replica holds its rows as a batch of that size is split
   * (`local`): the same `[indices.length, ...]` on every replica. A collective (one exchange for all
   * the parts): every replica calls it, in the same order, with the same indices.
   */
  gatherRows(parts: readonly GatherPart<T>[], of?: number): T[];
}

/** One tensor's rows to gather (see `BatchShard.gatherRows`). */
export interface GatherPart<T> {
  readonly local: T;
  readonly indices: Int32Array;
}

/** This replica's part of `values`, one per sample of the whole batch (all of it without a shard). */
export function rowsOfShard(values: Float32Array, shard: BatchShard<unknown> | undefined): Float32Array {
  return shard === undefined ? values : values.subarray(shard.start, shard.end);
}
