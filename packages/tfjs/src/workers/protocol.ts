/**
 * The words main and a pool worker exchange through the control `SharedArrayBuffer`: an Int32Array
 * with one block of `SLOTS` ints per worker. Main writes a command and bumps `GO`; the worker
 * answers with a reply and bumps `DONE`. Each side sleeps in `Atomics.wait` on the other's counter,
 * so a step needs no event loop on either side (the training algorithm calls `doPass` synchronously).
 */
export const SLOTS = 20;

/** Offsets inside a worker's block. */
export const Slot = {
  GO: 0,
  DONE: 1,
  COMMAND: 2,
  REPLY: 3,
  /** The noise point a worker waits at (reply AT_POINT). */
  POINT: 4,
  ROW_START: 5,
  ROW_END: 6,
  /** The batch size of the whole step (for scaling). */
  BATCH: 7,
  FLAGS: 8,
  /** Correct predictions on the worker's rows (when COUNT_CORRECT). */
  CORRECT: 9,
  /** Bytes of the error report in the worker's error area (reply FAILED). */
  ERROR_BYTES: 10,
  /** After a STEP (worker 0): the rng's four state words, then the algorithm's state bytes. */
  RNG: 11,
  STATE_BYTES: 15,
  /** The number of the command main sent last (one count per worker). */
  SEQ: 16,
  /** The number of the command the worker's last reply answers (must be SEQ's). */
  ACK: 17,
} as const;

export const Command = {
  PASS: 1,
  CONTINUE: 2,
  ABORT: 3,
  RESIZE: 4,
  EXIT: 5,
  /** Run an algorithm's whole step on the worker's rows (a `StepMessage` waits on its port). */
  STEP: 6,
  /** Free an algorithm's state (a `ReleaseMessage` waits on its port). */
  RELEASE: 7,
} as const;

export const Reply = {
  DONE: 1,
  AT_POINT: 2,
  FAILED: 3,
  DIED: 4,
  /** In a STEP, at a collective: the worker wrote its part and waits for every other's. */
  SYNC: 5,
  /** In a STEP, at an update: the worker's gradients are in its gradient area. */
  UPDATE: 6,
} as const;

/** What a STEP runs: the algorithm (created on first use from its options), with main's rng state. */
export interface StepMessage {
  readonly kind: 'step';
  readonly algorithm: number;
  readonly options: object;
  readonly settings: object;
  readonly rng: readonly number[];
  /** The whole batch's labels. */
  readonly labels?: Int32Array;
}

export interface ReleaseMessage {
  readonly kind: 'release';
  readonly algorithm: number;
}

/** Bits of `Slot.FLAGS` for a PASS. */
export const Flag = {
  WEIGHT_GRADIENTS: 1,
  NOISE_GRADIENTS: 2,
  /** The noise of every point is already in the point areas (the pass needs no round trip). */
  PRESET_NOISE: 4,
  /** Load the trainable weights from the weights area before the pass. */
  LOAD_WEIGHTS: 8,
  COUNT_CORRECT: 16,
  /** Write the non-trainable weights (BatchNorm's moving statistics) to the state area after the pass. */
  SEND_STATE: 32,
  /** The same x and y as the previous pass (ANL's two rounds): the replica keeps its batch tensors. */
  SAME_BATCH: 64,
  /** The noise is null at every point; hand over h and go on without waiting (ANL's round 1). */
  OBSERVE_NOISE: 256,
  /** Load the non-trainable weights from the weights area (worker 0's, shared after each pass). */
  LOAD_STATE: 128,
  /**
   * The noise reads h only through s(h) (`noiseReadsOnlyStd`): hand over the moments of the rows
   * (count, mean, sum of squared deviations) instead of the rows.
   */
  READS_ONLY_STD: 512,
} as const;

/** What a point's eta is this pass (the int at `etaKindAt`). */
export const EtaKind = {
  NONE: 0,
  /** Each worker's rows of eta are in the point's area. */
  TENSOR: 1,
  /**
   * `RowsNoise`: the table in the point's area, the coefficient and the row indices of the whole
   * batch in the point's rows area; each worker builds its rows.
   */
  ROWS: 2,
} as const;

/** The control int holding point t's `EtaKind` (after the workers' blocks). */
export function etaKindAt(workers: number, t: number): number {
  return workers * SLOTS + t;
}

/** Ints of the control buffer: the workers' blocks, then one per noise point. */
export function controlInts(workers: number, points: number): number {
  return workers * SLOTS + points;
}

/** Float64s per worker and noise point in the moments area: count, mean, sum of squared deviations. */
export const MOMENTS = 3;

/** Where worker k's moments of point t start in the moments area (Float64Array). */
export function momentsAt(k: number, points: number, t: number): number {
  return (k * points + t) * MOMENTS;
}

/**
 * The population std of the union of the workers' rows from their moments, combined in worker
 * order (Chan et al.'s pairwise update, in float64): the same number however the rows were split,
 * to rounding.
 */
export function pooledStd(
  moments: Float64Array,
  workers: readonly number[],
  points: number,
  t: number,
): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const k of workers) {
    const at = momentsAt(k, points, t);
    const nk = moments[at];
    if (nk === 0) continue;
    const delta = moments[at + 1] - mean;
    const total = n + nk;
    mean += (delta * nk) / total;
    m2 += moments[at + 2] + (delta * delta * n * nk) / total;
    n = total;
  }
  return n === 0 ? 0 : Math.sqrt(m2 / n);
}

/** Bytes of each worker's error area (a JSON `{ code, message, argument }`). */
export const ERROR_AREA_BYTES = 4096;

/** The sizes every shared area is cut from. */
export interface LayoutSizes {
  readonly workers: number;
  readonly maxBatch: number;
  /** Floats of one input row / one target row. */
  readonly inputSize: number;
  readonly targetSize: number;
  /** Floats of each trainable weight, then of each non-trainable one, in the model's order. */
  readonly trainableSizes: readonly number[];
  readonly stateSizes: readonly number[];
  /** Floats of one sample's activation at each noise point. */
  readonly pointSizes: readonly number[];
}

/** Float offsets of the data areas in the data buffer (one Float32Array). */
export interface DataLayout {
  readonly x: number;
  readonly y: number;
  /** Trainable weights then non-trainable ones (what a replica loads). */
  readonly weights: number;
  /** Worker 0's non-trainable weights after a pass. */
  readonly state: number;
  /** One gradient area of `trainableTotal` floats per worker. */
  readonly gradients: number;
  /** One area of `maxBatch × pointSizes[t]` floats per noise point: h, then eta. */
  readonly points: readonly number[];
  /** The same per noise point for dJ/dh_hat (apart, so main may still read h after the pass). */
  readonly pointGradients: readonly number[];
  /** Per noise point `2 × maxBatch` floats: a `RowsNoise`'s coefficient, then its row indices. */
  readonly rowsNoise: readonly number[];
  /** Two areas of `maxBatch × max(pointSizes)` floats, used in turn by a STEP's row gathers. */
  readonly gathers: readonly [number, number];
  readonly gatherFloats: number;
  readonly trainableTotal: number;
  readonly stateTotal: number;
  readonly floats: number;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function dataLayout(sizes: LayoutSizes): DataLayout {
  const trainableTotal = sum(sizes.trainableSizes);
  const stateTotal = sum(sizes.stateSizes);
  let at = 0;
  const take = (floats: number) => {
    const start = at;
    at += floats;
    return start;
  };
  const x = take(sizes.maxBatch * sizes.inputSize);
  const y = take(sizes.maxBatch * sizes.targetSize);
  const weights = take(trainableTotal + stateTotal);
  const state = take(stateTotal);
  const gradients = take(sizes.workers * trainableTotal);
  const points = sizes.pointSizes.map((size) => take(sizes.maxBatch * size));
  const pointGradients = sizes.pointSizes.map((size) => take(sizes.maxBatch * size));
  const rowsNoise = sizes.pointSizes.map(() => take(2 * sizes.maxBatch));
  const gatherFloats = sizes.maxBatch * Math.max(0, ...sizes.pointSizes);
  const gathers: [number, number] = [take(gatherFloats), take(gatherFloats)];
  return {
    gathers,
    gatherFloats,
    x,
    y,
    weights,
    state,
    gradients,
    points,
    pointGradients,
    rowsNoise,
    trainableTotal,
    stateTotal,
    floats: at,
  };
}

/** The buffers a worker is handed at start and again after each RESIZE. */
export interface SharedAreas {
  readonly sizes: LayoutSizes;
  readonly data: SharedArrayBuffer;
}

/** Rows `[start, end)` of a batch of `batchSize` for worker `k` of `workers` (as even as can be). */
export function rowsOf(k: number, workers: number, batchSize: number): [number, number] {
  const base = Math.floor(batchSize / workers);
  const extra = batchSize % workers;
  const start = k * base + Math.min(k, extra);
  return [start, start + base + (k < extra ? 1 : 0)];
}

/**
 * A copy of `view[from, to)` that owns its memory (tensors keep the array they are made from).
 * Not `slice`: V8 copies a typed array's slice element by element, ~40× slower than this.
 */
export function copyOut(view: Float32Array, from: number, to: number): Float32Array {
  return new Float32Array(view.subarray(from, to));
}
