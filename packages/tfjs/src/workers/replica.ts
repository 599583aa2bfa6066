import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import {
  AnlError,
  type BatchShard,
  createRng,
  type GatherPart,
  createTrainingAlgorithm,
  type NoiseFn,
  rngState,
  setRngState,
  type StepSettings,
  type TrainingAlgorithm,
  type TrainingAlgorithmOptions,
} from '@anl/core';
import { type NamedGradients, TfjsTrainableModel } from '@anl/tfjs';
import {
  argMax,
  cast,
  dispose,
  equal,
  keep,
  sum,
  type Tensor,
  tensor,
  tidy,
  train,
  type Variable,
} from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import { loadWeights, readInto, tensorOf, valuesOf, writeWeights } from './fast-copies';
import {
  Command,
  type DataLayout,
  dataLayout,
  ERROR_AREA_BYTES,
  EtaKind,
  etaKindAt,
  Flag,
  type LayoutSizes,
  momentsAt,
  pooledStd,
  type ReleaseMessage,
  Reply,
  rowsOf,
  type SharedAreas,
  SLOTS,
  Slot,
  type StepMessage,
} from './protocol';
import { ReplicaStepModel } from './replica-step-model';
import { errorReport, type WorkerStart } from './worker-start';

/** Thrown inside a replica's pass when main calls the step off (another worker failed). */
class Aborted extends Error {}

/**
 * One worker's copy of the model and its side of the protocol: a synchronous loop that sleeps until
 * main sends a command, runs it on the replica and answers. Weights only change when main sends
 * them (LOAD_WEIGHTS), so a failed step leaves every replica as main's model is.
 */
export class Replica {
  private readonly control: Int32Array;
  private readonly base: number;
  private readonly losses: Float64Array;
  private readonly moments: Float64Array;
  private readonly errors: Uint8Array;
  private readonly trainable: TfjsTrainableModel;
  private readonly trainableWeights: LayerVariable[];
  private readonly stateWeights: LayerVariable[];
  private readonly port: MessagePort;
  private data!: Float32Array;
  private layout!: DataLayout;
  private sizes!: LayoutSizes;
  private seen = 0;
  /** The number of the command being answered (see Slot.ACK). */
  private answering = 0;
  private batch: { x: Tensor; y: Tensor } | null = null;
  /** The algorithms of replicated steps, by id (each keeps its state: CANL's cache, LAT's gradients). */
  private readonly algorithms = new Map<number, TrainingAlgorithm<Tensor>>();
  /** Zeros of each noise point's shape for replicated steps (see ReplicaStepModel). */
  private readonly standIns: Tensor[] = [];
  /** Row gathers so far in this step: they take the two gather areas in turn. */
  private gathered = 0;

  constructor(
    private readonly start: WorkerStart,
    private readonly model: LayersModel,
  ) {
    this.control = new Int32Array(start.control);
    this.base = start.index * SLOTS;
    this.losses = new Float64Array(start.losses);
    this.moments = new Float64Array(start.moments);
    this.errors = new Uint8Array(start.errors, start.index * ERROR_AREA_BYTES, ERROR_AREA_BYTES);
    this.port = start.port;
    // The optimizer is never used here: main applies the update and sends the weights.
    this.trainable = new TfjsTrainableModel(model, {
      optimizer: train.sgd(0),
      loss: start.spec.loss,
      checkFinite: false,
    });
    this.trainableWeights = model.trainableWeights;
    this.stateWeights = model.nonTrainableWeights;
    this.setAreas(start.areas);
  }

  /** Serves commands until EXIT. */
  serve(): void {
    for (;;) {
      const command = this.nextCommand();
      if (command === Command.EXIT) {
        dispose(this.batch === null ? [] : [this.batch.x, this.batch.y]);
        for (const algorithm of this.algorithms.values()) algorithm.dispose();
        this.algorithms.clear();
        dispose(this.standIns);
        this.reply(Reply.DONE);
        return;
      }
      try {
        if (command === Command.RESIZE) {
          const message = receiveMessageOnPort(this.port);
          if (message === undefined) throw new Error('RESIZE without new areas');
          this.setAreas(message.message as SharedAreas);
        } else if (command === Command.PASS) {
          this.pass();
        } else if (command === Command.STEP) {
          this.step();
        } else if (command === Command.RELEASE) {
          const id = (receiveMessageOnPort(this.port)?.message as ReleaseMessage | undefined)?.algorithm;
          this.algorithms.get(id ?? -1)?.dispose();
          this.algorithms.delete(id ?? -1);
        } else {
          throw new Error(`command ${command} outside a pass`);
        }
        this.reply(Reply.DONE);
      } catch (error) {
        const report =
          error instanceof Aborted ? { name: 'Aborted', message: 'aborted' } : errorReport(error);
        const bytes = new TextEncoder().encode(JSON.stringify(report)).subarray(0, ERROR_AREA_BYTES);
        this.errors.set(bytes);
        this.control[this.base + Slot.ERROR_BYTES] = bytes.length;
        this.reply(Reply.FAILED);
      }
    }
  }

  private setAreas(areas: SharedAreas): void {
    this.data = new Float32Array(areas.data);
    this.sizes = areas.sizes;
    this.layout = dataLayout(areas.sizes);
  }

  private nextCommand(): number {
    Atomics.wait(this.control, this.base + Slot.GO, this.seen);
    this.seen = Atomics.load(this.control, this.base + Slot.GO);
    this.answering = this.control[this.base + Slot.SEQ];
    return this.control[this.base + Slot.COMMAND];
  }

  private reply(code: number, point = -1): void {
    this.control[this.base + Slot.REPLY] = code;
    this.control[this.base + Slot.POINT] = point;
    this.control[this.base + Slot.ACK] = this.answering;
    Atomics.add(this.control, this.base + Slot.DONE, 1);
    Atomics.notify(this.control, this.base + Slot.DONE);
  }

  private pass(): void {
    const slot = (s: number) => this.control[this.base + s];
    const flags = slot(Slot.FLAGS);
    const start = slot(Slot.ROW_START);
    const end = slot(Slot.ROW_END);
    const rows = end - start;
    const { layout, data, trainable } = this;
    const sizes = this.sizes;
    const { x, y } = this.loadFor(flags, start, end);
    const correct = this.observeCorrect(flags);
    const owned: Tensor[] = [];
    const noise: NoiseFn<Tensor> = (t, h) => {
      const size = sizes.pointSizes[t];
      const area = layout.points[t];
      // Hand over this point's activations: their moments when the noise reads only s(h), else the rows.
      if (flags & Flag.READS_ONLY_STD) this.writeMoments(t, h);
      else if (!(flags & Flag.PRESET_NOISE)) readInto(h, data, area + start * size);
      if (flags & Flag.OBSERVE_NOISE) return null;
      if (!(flags & Flag.PRESET_NOISE)) {
        this.reply(Reply.AT_POINT, t);
        if (this.nextCommand() === Command.ABORT) throw new Aborted();
      }
      const kind = Atomics.load(this.control, etaKindAt(sizes.workers, t));
      if (kind === EtaKind.NONE) return null;
      const eta = keep(
        kind === EtaKind.ROWS
          ? this.rowsNoise(t, h.shape, start, end)
          : tensorOf(data, area + start * size, area + end * size, h.shape),
      );
      owned.push(eta);
      return eta;
    };
    // The rows' gradients weighted by their share of the batch: the workers' sum is the whole batch's.
    trainable.gradientScale = rows / slot(Slot.BATCH);
    try {
      const result = trainable.doPass({
        x,
        y,
        batchSize: rows,
        noise,
        weightGradients: (flags & Flag.WEIGHT_GRADIENTS) !== 0,
        noiseGradients: (flags & Flag.NOISE_GRADIENTS) !== 0,
      });
      try {
        this.losses[this.start.index] = result.loss.dataSync()[0];
        if (result.weightGradients !== undefined) {
          let at = layout.gradients + this.start.index * layout.trainableTotal;
          this.trainableWeights.forEach((w, i) => {
            const g = result.weightGradients?.[(w.read() as Variable).name];
            if (g === undefined) data.fill(0, at, at + sizes.trainableSizes[i]);
            else readInto(g, data, at);
            at += sizes.trainableSizes[i];
          });
        }
        result.noiseGradients?.forEach((g, t) => {
          readInto(g, data, layout.pointGradients[t] + start * sizes.pointSizes[t]);
        });
        if (flags & Flag.SEND_STATE) writeWeights(this.stateWeights, this.data, layout.state);
        this.control[this.base + Slot.CORRECT] = correct();
      } finally {
        dispose([
          result.loss,
          ...Object.values(result.weightGradients ?? {}),
          ...(result.noiseGradients ?? []),
        ]);
      }
    } finally {
      trainable.predictionObserver = null;
      dispose(owned);
    }
  }

  /**
   * A replicated step: the algorithm's own step on this worker's rows, with a `BatchShard` whose
   * collectives (and the updates) go through main; the loss, and for worker 0 the rng's state and
   * the algorithm's state bytes, are left in shared memory.
   */
  private step(): void {
    const message = receiveMessageOnPort(this.port)?.message as StepMessage | undefined;
    if (message?.kind !== 'step') throw new Error('STEP without its message');
    const slot = (s: number) => this.control[this.base + s];
    const flags = slot(Slot.FLAGS);
    const start = slot(Slot.ROW_START);
    const end = slot(Slot.ROW_END);
    const batchSize = slot(Slot.BATCH);
    const { layout } = this;
    const { x, y } = this.loadFor(flags, start, end);
    let algorithm = this.algorithms.get(message.algorithm);
    if (algorithm === undefined) {
      algorithm = createTrainingAlgorithm(this.trainable.ops, message.options as TrainingAlgorithmOptions);
      this.algorithms.set(message.algorithm, algorithm);
    }
    const rng = createRng(0);
    setRngState(rng, message.rng);
    this.gathered = 0;
    const correct = this.observeCorrect(flags);
    const model = new ReplicaStepModel(
      this.trainable,
      {
        writeMoments: (t, h) => this.writeMoments(t, h),
        pooledStd: (t) => this.pooledStd(t),
        sync: () => this.sync(Reply.SYNC),
        update: (gradients) => this.update(gradients),
      },
      (end - start) / batchSize,
      this.standIns,
    );
    const labels = message.labels;
    const shard: BatchShard<Tensor> = {
      start,
      end,
      batchSize,
      ...(labels === undefined ? {} : { labels }),
      gatherRows: (parts, of) => this.gatherRows(parts, of ?? batchSize),
    };
    try {
      const { loss } = algorithm.step(
        model,
        {
          x,
          y,
          batchSize: end - start,
          ...(labels === undefined ? {} : { labels: labels.subarray(start, end) }),
        },
        message.settings as StepSettings,
        rng,
        shard,
      );
      try {
        this.losses[this.start.index] = loss.dataSync()[0];
      } finally {
        loss.dispose();
      }
    } finally {
      this.trainable.predictionObserver = null;
    }
    this.control[this.base + Slot.CORRECT] = correct();
    if (this.start.index === 0) {
      (rngState(rng) as number[]).forEach((word, i) => {
        this.control[this.base + Slot.RNG + i] = word;
      });
      this.control[this.base + Slot.STATE_BYTES] = algorithm.stateBytes();
    }
    if (flags & Flag.SEND_STATE) writeWeights(this.stateWeights, this.data, layout.state);
  }

  /** s(h) of the whole batch at point t from every worker's moments (the same on every worker). */
  private pooledStd(t: number): number {
    const workers = Array.from({ length: this.sizes.workers }, (_, k) => k);
    const std = pooledStd(this.moments, workers, this.sizes.pointSizes.length, t);
    if (!Number.isFinite(std)) {
      throw new AnlError(
        'NON_FINITE',
        `the activations at noise point ${this.trainable.noisePoints[t].name} hold NaN or Infinity (check the data, the learning rate and eps); no weight was changed`,
        { argument: 'model' },
      );
    }
    return std;
  }

  /** With COUNT_CORRECT, counts the correct predictions of each weight pass; returns the last count. */
  private observeCorrect(flags: number): () => number {
    let correct = 0;
    this.trainable.predictionObserver =
      flags & Flag.COUNT_CORRECT
        ? (yTrue, yPred) => {
            correct = tidy(() =>
              sum(cast(equal(argMax(yPred, -1), argMax(yTrue, -1)), 'float32')),
            ).dataSync()[0];
          }
        : null;
    return () => correct;
  }

  /** Tells main this worker reached a collective (or an update) and waits for the go-ahead. */
  private sync(reply: number): void {
    this.reply(reply);
    if (this.nextCommand() === Command.ABORT) throw new Aborted();
  }

  /** This worker's gradients to its area; main sums every worker's, applies them and sends the weights. */
  private update(gradients: NamedGradients): void {
    const { data, layout, sizes } = this;
    let at = layout.gradients + this.start.index * layout.trainableTotal;
    this.trainableWeights.forEach((w, i) => {
      const g = gradients[(w.read() as Variable).name];
      if (g === undefined) data.fill(0, at, at + sizes.trainableSizes[i]);
      else readInto(g, data, at);
      at += sizes.trainableSizes[i];
    });
    this.sync(Reply.UPDATE);
    loadWeights(this.trainableWeights, this.data, layout.weights);
  }

  /**
   * For each part, rows `indices` of a tensor each worker holds its rows of (as a batch of `of` is
   * split): every worker writes the rows it holds into a gather area, and after the exchange each
   * reads them all. Parts are packed into the area in order, one exchange per area-full (the same
   * packing on every worker). The two areas take turns, so a worker that runs ahead to the next
   * exchange cannot overwrite one still being read.
   */
  private gatherRows(parts: readonly GatherPart<Tensor>[], of: number): Tensor[] {
    const [start, end] = rowsOf(this.start.index, this.sizes.workers, of);
    const { data, layout } = this;
    const rowSizes = parts.map(({ local, indices }) => {
      const rowSize = local.shape.slice(1).reduce((a, b) => a * b, 1);
      if (local.shape[0] !== end - start) {
        throw new AnlError(
          'SHAPE_MISMATCH',
          `a gathered tensor must hold this worker's ${end - start} rows of a batch of ${of}, got [${local.shape}]`,
          { argument: 'local' },
        );
      }
      if (indices.length * rowSize > layout.gatherFloats) {
        throw new AnlError(
          'UNSUPPORTED',
          `a gather of ${indices.length} rows of ${rowSize} values does not fit the pool's gather area (${layout.gatherFloats})`,
          { argument: 'model' },
        );
      }
      return rowSize;
    });
    const out: Tensor[] = [];
    try {
      for (let next = 0; next < parts.length; ) {
        const area = layout.gathers[this.gathered++ % 2];
        const chunk: { part: number; at: number }[] = [];
        for (let used = 0; next < parts.length; next++) {
          const floats = parts[next].indices.length * rowSizes[next];
          if (used + floats > layout.gatherFloats) break;
          chunk.push({ part: next, at: area + used });
          used += floats;
        }
        for (const { part, at } of chunk) {
          const rowSize = rowSizes[part];
          // A view of the tensor (on wasm, its memory in the heap): copied from before anything allocates.
          const values = valuesOf(parts[part].local);
          parts[part].indices.forEach((row, k) => {
            if (row >= start && row < end) {
              data.set(
                values.subarray((row - start) * rowSize, (row - start + 1) * rowSize),
                at + k * rowSize,
              );
            }
          });
        }
        this.sync(Reply.SYNC);
        for (const { part, at } of chunk) {
          const { local, indices } = parts[part];
          out.push(
            tensorOf(data, at, at + indices.length * rowSizes[part], [
              indices.length,
              ...local.shape.slice(1),
            ]),
          );
        }
      }
      return out;
    } catch (error) {
      dispose(out);
      throw error;
    }
  }

  /**
   * Count, mean and sum of squared deviations of this worker's rows of h, in float64 and one pass
   * over values shifted by the first one (which keeps the sum of squares from cancelling).
   */
  private writeMoments(t: number, h: Tensor): void {
    const values = valuesOf(h);
    const n = values.length;
    const shift = n === 0 ? 0 : values[0];
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = values[i] - shift;
      sum += d;
      squares += d * d;
    }
    const mean = n === 0 ? 0 : shift + sum / n;
    const m2 = n === 0 ? 0 : Math.max(0, squares - (sum * sum) / n);
    const at = momentsAt(this.start.index, this.sizes.pointSizes.length, t);
    this.moments[at] = n;
    this.moments[at + 1] = mean;
    this.moments[at + 2] = m2;
  }

  /**
   * Rows [start, end) of a `RowsNoise` eta, `mulPerSample(gatherRows(table, rows), coefficient)`,
   * built here in one loop: a float32 product rounded once (the Float32Array store) is exactly the
   * product the backend's multiply gives, so the values are main's bit for bit.
   */
  private rowsNoise(t: number, shape: number[], start: number, end: number): Tensor {
    const { data, layout, sizes } = this;
    const size = sizes.pointSizes[t];
    const table = layout.points[t];
    const at = layout.rowsNoise[t];
    const eta = new Float32Array((end - start) * size);
    for (let i = start; i < end; i++) {
      const c = data[at + i];
      const from = table + data[at + sizes.maxBatch + i] * size;
      const to = (i - start) * size;
      for (let j = 0; j < size; j++) eta[to + j] = data[from + j] * c;
    }
    return tensor(eta, shape);
  }

  /** Main's weights and state when the flags say they changed; this worker's rows of the batch. */
  private loadFor(flags: number, start: number, end: number): { x: Tensor; y: Tensor } {
    const { layout } = this;
    if (flags & Flag.LOAD_WEIGHTS) loadWeights(this.trainableWeights, this.data, layout.weights);
    if (flags & Flag.LOAD_STATE)
      loadWeights(this.stateWeights, this.data, layout.weights + layout.trainableTotal);
    return this.batchTensors(flags, start, end);
  }

  private batchTensors(flags: number, start: number, end: number): { x: Tensor; y: Tensor } {
    if (flags & Flag.SAME_BATCH && this.batch !== null) return this.batch;
    dispose(this.batch === null ? [] : [this.batch.x, this.batch.y]);
    this.batch = null;
    const { layout, data } = this;
    const sizes = this.sizes;
    const inputShape = (this.model.inputs[0].shape as number[]).slice(1);
    const x = tensorOf(data, layout.x + start * sizes.inputSize, layout.x + end * sizes.inputSize, [
      end - start,
      ...inputShape,
    ]);
    const y = tensorOf(data, layout.y + start * sizes.targetSize, layout.y + end * sizes.targetSize, [
      end - start,
      sizes.targetSize,
    ]);
    this.batch = { x, y };
    return this.batch;
  }
}
