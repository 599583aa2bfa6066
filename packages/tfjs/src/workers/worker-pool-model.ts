import type { MessagePort, Worker } from 'node:worker_threads';
import {
  type ActivationStats,
  AnlError,
  type NoisePointInfo,
  type ReplicatedStepRequest,
  type ReplicatedStepsV1,
  type RowsNoise,
  rngState,
  setRngState,
  type PassRequest,
  type PassResult,
  type TensorOpsV1,
  type TrainableModelV1,
} from '@anl/core';
import {
  dispose,
  keep,
  scalar,
  type Tensor,
  tensor,
  tidy,
  type Variable,
  zeros,
} from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import {
  type NamedGradients,
  nonFiniteGradients,
  type TfjsTrainableModel,
} from '../training/tfjs-trainable-model';
import { loadWeights, readInto, tensorOf, writeWeights } from './fast-copies';
import {
  Command,
  type DataLayout,
  dataLayout,
  EtaKind,
  etaKindAt,
  Flag,
  type LayoutSizes,
  pooledStd,
  type ReleaseMessage,
  Reply,
  rowsOf,
  type SharedAreas,
  Slot,
  type StepMessage,
} from './protocol';
import { PoolChannel } from './pool-channel';

/** The threads and shared memory a pool runs on (made by `startWorkerPool`). */
export interface PoolThreads {
  readonly workers: readonly Worker[];
  readonly ports: readonly MessagePort[];
  readonly control: SharedArrayBuffer;
  readonly losses: SharedArrayBuffer;
  readonly moments: SharedArrayBuffer;
  readonly errors: SharedArrayBuffer;
  readonly areas: SharedAreas;
}

/**
 * Synchronous data-parallel training as one more `TrainableModelV1`: core's algorithms drive it
 * exactly as they drive `TfjsTrainableModel`, and every noise function runs here, on main, on the
 * WHOLE batch, so each method keeps its meaning (s(h) of the whole batch, CANL's one class cache,
 * LAT's and ANP's whole-batch gradients, the RNG draws in the same order as on one thread).
 *
 * A pass: the batch goes to shared memory, each worker takes its rows and runs forward/backward on
 * its replica; at each noise point the workers hand over their rows of h and wait while main calls
 * the method's noise function on the whole h (a pass whose noise ignores h, `noiseIgnoresActivations`,
 * gets its noise up front and runs without stopping). Losses and gradients come back weighted by
 * rows/batchSize, so they are the whole batch's mean. The update is applied once, by `main`'s
 * optimizer (with its rollback and finite check), and the new weights reach the replicas at the
 * start of the next pass: a step that fails anywhere leaves every replica and the optimizer as
 * they were. BatchNormalization statistics are computed per worker; worker 0's moving averages
 * are kept (on main and, from the next pass, on every replica), as DistributedDataParallel does.
 */
export class WorkerPoolModel implements TrainableModelV1<Tensor, NamedGradients>, ReplicatedStepsV1<Tensor> {
  readonly specificationVersion = 'v1' as const;
  readonly ops: TensorOpsV1<Tensor>;
  readonly noisePoints: readonly NoisePointInfo[];
  /** Count correct predictions in weight passes (read with `takeCorrectCount`). */
  countCorrect = false;
  private correct: number | null = null;
  private readonly control: Int32Array;
  private readonly losses: Float64Array;
  private readonly moments: Float64Array;
  private areas: SharedAreas;
  private data: Float32Array;
  private layout: DataLayout;
  private readonly channel: PoolChannel;
  private readonly trainableWeights: LayerVariable[];
  private readonly stateWeights: LayerVariable[];
  private weightsStale = true;
  private stateStale = true;
  private lastBatch: { x: Tensor; y: Tensor } | null = null;
  /** Zeros of each point's shape: the h handed to noise that ignores it. */
  private readonly standIns: Tensor[] = [];
  private terminated = false;
  /** Gradients `collect` summed, with whether every value was finite (checked while summing). */
  private readonly summed = new WeakMap<NamedGradients, boolean>();
  /** Steps run whole on the workers (`replicatedStep`) so far; the others ran pass by pass. */
  stepsOnWorkers = 0;
  /** Each replicated algorithm's state bytes on one replica, as worker 0 last reported them. */
  private readonly algorithmStateBytes = new Map<number, number>();

  constructor(
    /** The user's model and optimizer: where the update is applied and the weights live. */
    readonly main: TfjsTrainableModel,
    private readonly threads: PoolThreads,
  ) {
    this.ops = main.ops;
    this.noisePoints = main.noisePoints;
    this.control = new Int32Array(threads.control);
    this.losses = new Float64Array(threads.losses);
    this.moments = new Float64Array(threads.moments);
    this.areas = threads.areas;
    this.data = new Float32Array(this.areas.data);
    this.layout = dataLayout(this.areas.sizes);
    this.channel = new PoolChannel(threads.workers, threads.control, threads.errors);
    this.trainableWeights = main.model.trainableWeights;
    this.stateWeights = main.model.nonTrainableWeights;
  }

  /** How many worker threads the pool runs. */
  get size(): number {
    return this.threads.workers.length;
  }

  /** The correct predictions of the last weight pass over its whole batch (then null until the next). */
  takeCorrectCount(): number | null {
    const c = this.correct;
    this.correct = null;
    return c;
  }

  doPass(request: PassRequest<Tensor>): PassResult<Tensor, NamedGradients> {
    const { x, y, batchSize } = request;
    const active = this.prepare(x, y, batchSize);
    let flags = this.loadFlags(x, y);
    if (request.weightGradients) flags |= Flag.WEIGHT_GRADIENTS;
    if (request.noiseGradients) flags |= Flag.NOISE_GRADIENTS;
    if (request.weightGradients && this.countCorrect) flags |= Flag.COUNT_CORRECT;
    if (request.noiseIgnoresActivations === true) {
      this.presetNoise(request);
      flags |= Flag.PRESET_NOISE;
    } else if (request.noiseObservesOnly === true) {
      flags |= Flag.OBSERVE_NOISE;
    }
    if (request.noiseReadsOnlyStd === true && request.noiseIgnoresActivations !== true) {
      flags |= Flag.READS_ONLY_STD;
    }
    for (const k of active) this.startWorker(k, batchSize, flags, Command.PASS);
    const readsOnlyStd = (flags & Flag.READS_ONLY_STD) !== 0;
    this.runToEnd(request, active, readsOnlyStd);
    // Observed noise: the method sees each point's whole-batch h (or s(h)) now, in point order.
    if (flags & Flag.OBSERVE_NOISE) {
      for (let t = 0; t < this.noisePoints.length; t++) this.noiseAt(request, t, active, readsOnlyStd, true);
    }
    // Every replica now holds main's weights and this batch.
    if (flags & Flag.LOAD_WEIGHTS) this.weightsStale = false;
    if (flags & Flag.LOAD_STATE) this.stateStale = false;
    this.lastBatch = { x, y };
    return this.collect(request, active);
  }

  /**
   * A whole step, SPMD: every worker runs the algorithm's own step on its rows (`BatchShard`), so
   * each method's noise is made where the activations are; main only relays the collectives (s(h)
   * of the whole batch, rows another worker holds) and applies each update, summing the workers'
   * gradients into the user's optimizer. The loss, the rng's advance and the algorithm's state are
   * the single-thread step's. Null (run pass by pass instead) for an `Rng` not made by `createRng`.
   */
  replicatedStep(request: ReplicatedStepRequest<Tensor>): Tensor | null {
    const state = rngState(request.rng);
    if (state === null) return null;
    const { x, y, batchSize, labels } = request.batch;
    this.prepare(x, y, batchSize);
    // Every worker takes part, also one without rows of a small batch: its algorithm's state (CANL's
    // cache, LAT's gradients, a running s(h)) must stay the others'.
    const active = this.threads.workers.map((_, k) => k);
    let flags = this.loadFlags(x, y);
    if (this.countCorrect) flags |= Flag.COUNT_CORRECT;
    const message: StepMessage = {
      kind: 'step',
      algorithm: request.algorithm,
      options: request.options,
      settings: request.settings,
      rng: state,
      ...(labels === undefined ? {} : { labels }),
    };
    for (const k of active) {
      this.threads.ports[k].postMessage(message);
      this.startWorker(k, batchSize, flags, Command.STEP);
    }
    this.serveStep(active);
    this.stepsOnWorkers++;
    if (flags & Flag.LOAD_WEIGHTS) this.weightsStale = false;
    if (flags & Flag.LOAD_STATE) this.stateStale = false;
    this.lastBatch = { x, y };
    // Worker 0 ran the step as this thread would have: its rng and state are the step's.
    setRngState(
      request.rng,
      [0, 1, 2, 3].map((i) => this.channel.slot(0, Slot.RNG + i)),
    );
    this.algorithmStateBytes.set(request.algorithm, this.channel.slot(0, Slot.STATE_BYTES));
    if (this.countCorrect) this.correct = active.reduce((s, k) => s + this.channel.slot(k, Slot.CORRECT), 0);
    if (this.stateWeights.length > 0) {
      this.readState();
      this.stateStale = true;
    }
    return scalar(
      active.reduce((s, k) => {
        const [start, end] = rowsOf(k, this.size, batchSize);
        return s + ((end - start) / batchSize) * this.losses[k];
      }, 0),
    );
  }

  replicatedStateBytes(id: number): number {
    return this.algorithmStateBytes.get(id) ?? 0;
  }

  releaseAlgorithm(id: number): void {
    this.algorithmStateBytes.delete(id);
    if (this.terminated || this.channel.broken !== null) return;
    const message: ReleaseMessage = { kind: 'release', algorithm: id };
    this.threads.ports.forEach((port, k) => {
      port.postMessage(message);
      this.channel.send(k, Command.RELEASE);
    });
    this.threads.workers.forEach((_, k) => {
      this.channel.receive(k);
    });
  }

  /**
   * Serves a STEP to its end: relays each collective (every worker at SYNC), applies each update
   * (every worker at UPDATE), until every worker is DONE. On a failure anywhere the workers waiting
   * are called off (their algorithms undo what the step did) and the first real error is thrown.
   */
  private serveStep(active: readonly number[]): void {
    for (;;) {
      const replies = active.map((k) => this.channel.receive(k));
      if (replies.every((r) => r === Reply.DONE)) return;
      if (replies.every((r) => r === Reply.SYNC)) {
        for (const k of active) this.channel.send(k, Command.CONTINUE);
        continue;
      }
      if (replies.every((r) => r === Reply.UPDATE)) {
        try {
          this.applyWorkerGradients(active);
        } catch (error) {
          this.callOff(active);
          throw error;
        }
        for (const k of active) this.channel.send(k, Command.CONTINUE);
        continue;
      }
      const failure = this.channel.failure(active, replies);
      this.callOff(active.filter((_, i) => replies[i] === Reply.SYNC || replies[i] === Reply.UPDATE));
      throw failure;
    }
  }

  /** Calls off workers waiting at a collective or an update, and waits until they have undone their step. */
  private callOff(waiting: readonly number[]): void {
    for (const k of waiting) this.channel.send(k, Command.ABORT);
    for (const k of waiting) this.channel.receive(k);
  }

  /** The workers' gradients, summed, applied by main's optimizer; the new weights to the weights area. */
  private applyWorkerGradients(active: readonly number[]): void {
    const gradients = this.sumGradients(active);
    try {
      this.doApplyGradients(gradients);
    } finally {
      dispose(Object.values(gradients));
    }
    writeWeights(this.trainableWeights, this.data, this.layout.weights);
    this.weightsStale = false;
  }

  /** Checks a batch, grows the areas for it, and returns the workers that get rows of it. */
  private prepare(x: Tensor, y: Tensor, batchSize: number): number[] {
    if (this.terminated)
      throw new AnlError('UNSUPPORTED', 'the worker pool was terminated', { argument: 'model' });
    if (this.channel.broken !== null) throw this.channel.broken;
    if (x.shape[0] !== batchSize || y.shape[0] !== batchSize) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `request.x and request.y must have batchSize (${batchSize}) rows, got ${x.shape[0]} and ${y.shape[0]}`,
        { argument: 'request' },
      );
    }
    this.ensureCapacity(batchSize);
    const workers = this.size;
    return Array.from({ length: workers }, (_, k) => k).filter((k) => {
      const [start, end] = rowsOf(k, workers, batchSize);
      return end > start;
    });
  }

  /** The batch (unless it is the last one), stale weights and state to shared memory; their flags. */
  private loadFlags(x: Tensor, y: Tensor): number {
    const sameBatch = this.lastBatch !== null && this.lastBatch.x === x && this.lastBatch.y === y;
    this.lastBatch = null;
    let flags = 0;
    if (sameBatch) flags |= Flag.SAME_BATCH;
    else this.writeBatch(x, y, this.areas.sizes);
    if (this.weightsStale) {
      writeWeights(this.trainableWeights, this.data, this.layout.weights);
      flags |= Flag.LOAD_WEIGHTS;
    }
    if (this.stateStale && this.stateWeights.length > 0) {
      writeWeights(this.stateWeights, this.data, this.layout.weights + this.layout.trainableTotal);
      flags |= Flag.LOAD_STATE;
    }
    return flags;
  }

  /** Worker k's rows of a batch, the flags, then the command. */
  private startWorker(k: number, batchSize: number, flags: number, command: number): void {
    const [start, end] = rowsOf(k, this.size, batchSize);
    this.channel.setSlot(k, Slot.ROW_START, start);
    this.channel.setSlot(k, Slot.ROW_END, end);
    this.channel.setSlot(k, Slot.BATCH, batchSize);
    this.channel.setSlot(
      k,
      Slot.FLAGS,
      flags | (k === 0 && this.stateWeights.length > 0 ? Flag.SEND_STATE : 0),
    );
    this.channel.send(k, command);
  }

  /** Main's weights were set by hand (e.g. `model.setWeights`): the replicas load them before the next pass. */
  markWeightsChanged(): void {
    this.weightsStale = true;
    this.stateStale = true;
    this.lastBatch = null;
  }

  doApplyGradients(gradients: NamedGradients): void {
    const finite = this.summed.get(gradients);
    if (finite === undefined || !this.main.checkFinite) this.main.doApplyGradients(gradients);
    else if (!finite) throw nonFiniteGradients();
    else this.main.applyCheckedGradients(gradients);
    this.weightsStale = true;
  }

  disposeGradients(gradients: NamedGradients): void {
    dispose(Object.values(gradients));
  }

  /** Stops every worker thread (idempotent). The pool refuses passes afterwards; main's model stays. */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    this.lastBatch = null;
    dispose(this.standIns);
    this.standIns.length = 0;
    this.threads.workers.forEach((_, k) => {
      if (this.channel.broken === null) this.channel.send(k, Command.EXIT);
    });
    for (const port of this.threads.ports) port.close();
    await Promise.all(this.threads.workers.map((w) => w.terminate()));
  }

  /** Runs the pass to its end: noise points in order, then DONE from every worker; throws on a failure. */
  private runToEnd(request: PassRequest<Tensor>, active: readonly number[], readsOnlyStd: boolean): void {
    let paused: number[] = [];
    try {
      for (;;) {
        const replies = active.map((k) => this.channel.receive(k));
        if (replies.every((r) => r === Reply.DONE)) return;
        const points = active.map((k) => this.channel.slot(k, Slot.POINT));
        if (replies.every((r) => r === Reply.AT_POINT) && points.every((p) => p === points[0])) {
          paused = [...active];
          this.noiseAt(request, points[0], active, readsOnlyStd);
          paused = [];
          for (const k of active) this.channel.send(k, Command.CONTINUE);
          continue;
        }
        paused = active.filter((_, i) => replies[i] === Reply.AT_POINT);
        throw this.channel.failure(active, replies);
      }
    } catch (error) {
      for (const k of paused) this.channel.send(k, Command.ABORT);
      for (const k of paused) this.channel.receive(k);
      throw error;
    }
  }

  /**
   * Point t: the whole batch's h from the workers' rows (or, when the noise reads only s(h), a
   * stand-in and s(h) from the workers' moments), the method's noise, eta back to the rows.
   */
  private noiseAt(
    request: PassRequest<Tensor>,
    t: number,
    active: readonly number[],
    readsOnlyStd: boolean,
    observeOnly = false,
  ): void {
    if (readsOnlyStd) {
      const std = pooledStd(this.moments, active, this.noisePoints.length, t);
      if (!Number.isFinite(std)) {
        throw new AnlError(
          'NON_FINITE',
          `the activations at noise point ${this.noisePoints[t].name} hold NaN or Infinity (check the data, the learning rate and eps); no weight was changed`,
          { argument: 'model' },
        );
      }
      this.handNoise(request, t, this.standIn(t, request.batchSize), observeOnly, { std });
      return;
    }
    const area = this.layout.points[t];
    const size = this.areas.sizes.pointSizes[t];
    const shape = [request.batchSize, ...this.noisePoints[t].sampleShape];
    const h = tensorOf(this.data, area, area + request.batchSize * size, shape);
    try {
      this.handNoise(request, t, h, observeOnly);
    } finally {
      if (!h.isDisposed) h.dispose();
    }
  }

  /** Calls the method's noise for point t and puts its eta where the workers read it. */
  private handNoise(
    request: PassRequest<Tensor>,
    t: number,
    h: Tensor,
    observeOnly: boolean,
    stats?: ActivationStats,
  ): void {
    if (!observeOnly && request.noiseAsRows !== undefined) {
      this.putRowsNoise(t, request.noiseAsRows(t, h, stats), request.batchSize);
      return;
    }
    const eta = request.noise(t, h, stats);
    if (observeOnly && eta !== null) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `request.noise returned noise for point ${t} in a pass marked noiseObservesOnly`,
        { argument: 'request.noise' },
      );
    }
    if (!observeOnly) this.putNoise(t, eta);
  }

  /** A pass whose noise ignores h: every point's noise now, from a stand-in h of the right shape. */
  private presetNoise(request: PassRequest<Tensor>): void {
    this.noisePoints.forEach((_, t) => {
      this.putNoise(t, request.noise(t, this.standIn(t, request.batchSize)));
    });
  }

  /** Zeros of point t's shape for a batch of `batchSize`: the h handed to noise that does not read it. */
  private standIn(t: number, batchSize: number): Tensor {
    // Kept between passes (a ResNet-20 batch's activations are tens of MB to allocate each time).
    let standIn = this.standIns[t];
    if (standIn === undefined || standIn.isDisposed || standIn.shape[0] !== batchSize) {
      if (standIn !== undefined && !standIn.isDisposed) standIn.dispose();
      standIn = keep(zeros([batchSize, ...this.noisePoints[t].sampleShape]));
      this.standIns[t] = standIn;
    }
    return standIn;
  }

  private putNoise(t: number, eta: Tensor | null): void {
    const kind = etaKindAt(this.size, t);
    if (eta === null) {
      Atomics.store(this.control, kind, EtaKind.NONE);
      return;
    }
    readInto(eta, this.data, this.layout.points[t]);
    Atomics.store(this.control, kind, EtaKind.TENSOR);
  }

  /**
   * A `RowsNoise` for the workers to build: the table, coefficient and row indices go to shared
   * memory (a table of more rows than the batch area holds is built here instead).
   */
  private putRowsNoise(t: number, eta: RowsNoise<Tensor> | null, batchSize: number): void {
    if (eta === null) {
      this.putNoise(t, null);
      return;
    }
    const tableRows = eta.table.shape[0];
    if (tableRows > this.areas.sizes.maxBatch) {
      const built = tidy(() =>
        this.ops.mulPerSample(this.ops.gatherRows(eta.table, eta.rows), eta.coefficient),
      );
      try {
        this.putNoise(t, built);
      } finally {
        built.dispose();
      }
      return;
    }
    const at = this.layout.rowsNoise[t];
    readInto(eta.table, this.data, this.layout.points[t]);
    readInto(eta.coefficient, this.data, at);
    this.data.set(eta.rows.subarray(0, batchSize), at + this.areas.sizes.maxBatch);
    Atomics.store(this.control, etaKindAt(this.size, t), EtaKind.ROWS);
  }

  /** The whole batch's mean loss and gradients: each worker's, weighted by its share of the rows. */
  private collect(
    request: PassRequest<Tensor>,
    active: readonly number[],
  ): PassResult<Tensor, NamedGradients> {
    const { batchSize } = request;
    const { sizes } = this.areas;
    const loss = scalar(
      active.reduce((s, k) => {
        const [start, end] = rowsOf(k, this.size, batchSize);
        return s + ((end - start) / batchSize) * this.losses[k];
      }, 0),
    );
    const result: { loss: Tensor; weightGradients?: NamedGradients; noiseGradients?: Tensor[] } = { loss };
    if (request.weightGradients) {
      result.weightGradients = this.sumGradients(active);
      if (this.countCorrect)
        this.correct = active.reduce((s, k) => s + this.channel.slot(k, Slot.CORRECT), 0);
    }
    if (request.noiseGradients) {
      result.noiseGradients = this.noisePoints.map((point, t) => {
        const area = this.layout.pointGradients[t];
        const size = sizes.pointSizes[t];
        return tensorOf(this.data, area, area + batchSize * size, [batchSize, ...point.sampleShape]);
      });
    }
    if (this.stateWeights.length > 0 && active.includes(0)) {
      this.readState();
      this.stateStale = true;
    }
    return result;
  }

  /**
   * The whole batch's weight gradients: each worker's are of its rows' share of the batch's mean
   * loss already (`gradientScale`), so the sum. Checked finite while summing (see `doApplyGradients`).
   */
  private sumGradients(active: readonly number[]): NamedGradients {
    const { sizes } = this.areas;
    const named: NamedGradients = {};
    let offset = 0;
    // NaN once any sum is NaN or ±Infinity (Infinity · 0 is NaN).
    let probe = 0;
    this.trainableWeights.forEach((w, i) => {
      const n = sizes.trainableSizes[i];
      const sum = new Float32Array(n);
      for (const k of active) {
        const from = this.layout.gradients + k * this.layout.trainableTotal + offset;
        const g = this.data.subarray(from, from + n);
        for (let j = 0; j < n; j++) sum[j] += g[j];
      }
      for (let j = 0; j < n; j++) probe += sum[j] * 0;
      const variable = w.read() as Variable;
      named[variable.name] = tensor(sum, variable.shape);
      offset += n;
    });
    this.summed.set(named, !Number.isNaN(probe));
    return named;
  }

  /** Worker 0's non-trainable weights (BatchNorm's moving statistics) into main's model. */
  private readState(): void {
    loadWeights(this.stateWeights, this.data, this.layout.state);
  }

  private writeBatch(x: Tensor, y: Tensor, sizes: LayoutSizes): void {
    if (x.size !== x.shape[0] * sizes.inputSize || y.size !== y.shape[0] * sizes.targetSize) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `a batch row must hold ${sizes.inputSize} inputs and ${sizes.targetSize} targets, got x [${x.shape}] and y [${y.shape}]`,
        { argument: 'request' },
      );
    }
    readInto(x, this.data, this.layout.x);
    readInto(y, this.data, this.layout.y);
  }

  /** A batch larger than the areas: new areas for every worker (sent through its port), weights resent. */
  private ensureCapacity(batchSize: number): void {
    if (batchSize <= this.areas.sizes.maxBatch) return;
    const sizes = { ...this.areas.sizes, maxBatch: batchSize };
    const areas: SharedAreas = {
      sizes,
      data: new SharedArrayBuffer(dataLayout(sizes).floats * 4),
    };
    this.threads.ports.forEach((port, k) => {
      port.postMessage(areas);
      this.channel.send(k, Command.RESIZE);
    });
    const replies = this.threads.workers.map((_, k) => this.channel.receive(k));
    if (replies.some((r) => r !== Reply.DONE))
      throw this.channel.failure(
        this.threads.workers.map((_, k) => k),
        replies,
      );
    this.areas = areas;
    this.data = new Float32Array(areas.data);
    this.layout = dataLayout(sizes);
    this.lastBatch = null;
    this.weightsStale = true;
    this.stateStale = true;
  }

  /** The error of the first worker that failed (not one that was called off), or died. */
}
