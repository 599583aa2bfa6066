import {
  AnlError,
  checkLossRequest,
  type LossPassRequest,
  type LossPassResult,
  type LossTermV1,
  type NoisePointInfo,
  type PassRequest,
  type PassResult,
  type TensorOpsV1,
  type TrainableModelV1,
} from '@anl/core';
import {
  add,
  all,
  clone,
  dispose,
  isFinite as elementIsFinite,
  engine,
  exp,
  log,
  logicalAnd,
  logSoftmax,
  maximum,
  mean,
  mul,
  type NamedTensorMap,
  type Optimizer,
  type Scalar,
  scalar,
  sub,
  sum,
  type Tensor,
  tidy,
  type Variable,
  zeros,
} from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { findNoiseLayers } from '../layers/find-noise-layers';
import { withNoiseInjector } from '../layers/noise-context';
import { TfjsTensorOps } from '../ops/tfjs-tensor-ops';
import { addConstantNoise, addConstantNoiseCapturing } from './constant-noise';
import { discardFailedTape } from './discard-failed-tape';
import { FirstLayerReuse } from './first-layer-reuse';
import { type LossFn, type LossSpec, resolveLoss } from './losses';
import { captureOptimizerState } from './optimizer-state';
import { backendReadsSync } from './reads-sync';
import { withUnfusedLayerCalls } from './unfused-layer-calls';

/** Weight gradients as the optimizer takes them: keyed by the tf.Variable's name. */
export type NamedGradients = NamedTensorMap;

export interface TfjsTrainableModelOptions {
  /** Any tfjs optimizer (`tf.train.sgd`, `momentum`, `adam`, ...). Applies round 2's gradients. */
  readonly optimizer: Optimizer;
  /** Default: the model's compiled loss if it has one we know, else categorical cross-entropy. */
  readonly loss?: LossSpec;
  /** Default: a `TfjsTensorOps` on the current backend. */
  readonly ops?: TensorOpsV1<Tensor>;
  /**
   * Default true: a weight pass after a noise-gradient pass on the same batch and weights (ANL's
   * two rounds) takes the first Dense/Conv2D layer's output from the earlier pass instead of
   * computing it again (see `FirstLayerReuse`); the results are the same bit for bit. False
   * computes it every time.
   */
  readonly reuseFirstLayer?: boolean;
  /**
   * Default true: refuse gradients holding NaN or Infinity (AnlError NON_FINITE) before applying
   * them, so the weights stay as they were. Costs one scalar read-back per update; false skips it.
   */
  readonly checkFinite?: boolean;
}

/**
 * Called inside every pass that computes weight gradients, with the targets and the model's output
 * (both freed after the pass). Whatever it wants to outlive the pass it must `tf.keep`. The trainer
 * uses it to count correct predictions on the device without a second forward pass.
 */
export type PredictionObserver = (yTrue: Tensor, yPred: Tensor) => void;

/**
 * A tf.LayersModel with noise layers, seen by @anl/core's training algorithms as a
 * `TrainableModelV1`: one forward (+ backward) pass with noise at every noise layer.
 *
 * Gradients come from one `engine().gradients(f, sources)` call whose sources are the trainable
 * variables (when weight gradients are asked) and one scalar "anchor" that every noise op takes as
 * an input (when noise gradients are asked); each noise op hands over dJ/dh_hat from its own gradient
 * function (see `addConstantNoiseCapturing`). tfjs runs a kernel's gradient only for inputs on a path
 * from a source, so an anchor-only pass (ANL round 1) never runs weight-gradient kernels such as
 * Conv2DBackpropFilter.
 */
export class TfjsTrainableModel implements TrainableModelV1<Tensor, NamedGradients> {
  readonly specificationVersion = 'v1' as const;
  readonly ops: TensorOpsV1<Tensor>;
  readonly noisePoints: readonly NoisePointInfo[];
  readonly model: LayersModel;
  readonly optimizer: Optimizer;
  /** See `PredictionObserver`; null for none. */
  predictionObserver: PredictionObserver | null = null;
  /**
   * Every gradient `doPass` returns (weights and noise points) is of `gradientScale · loss` rather
   * than of the loss (the loss returned is unchanged): a data-parallel replica computing rows r of a
   * batch of B sets r/B, so the replicas' gradients sum to the whole batch's mean-loss gradient.
   */
  gradientScale = 1;
  /** Whether updates refuse non-finite gradients (`options.checkFinite`). */
  readonly checkFinite: boolean;
  /** The resolved loss, `(yTrue, yPred) => mean loss`. */
  readonly lossFunction: LossFn;
  private readonly pointIndex: ReadonlyMap<string, number>;
  private readonly firstLayerReuse: FirstLayerReuse | undefined;

  constructor(model: LayersModel, options: TfjsTrainableModelOptions) {
    if (model == null || typeof (model as Partial<LayersModel>).apply !== 'function') {
      throw new AnlError('INVALID_ARGUMENT', `model must be a tf.LayersModel, got ${String(model)}`, {
        argument: 'model',
      });
    }
    assertOptimizer(options?.optimizer);
    if (model.outputs.length !== 1) {
      throw new AnlError('UNSUPPORTED', `model must have one output, got ${model.outputs.length}`, {
        argument: 'model',
      });
    }
    this.model = model;
    this.optimizer = options.optimizer;
    this.lossFunction = resolveLoss(options.loss, (model as { loss?: unknown }).loss);
    this.ops = options.ops ?? new TfjsTensorOps();
    this.noisePoints = findNoiseLayers(model).map((layer) => ({
      name: layer.name,
      sampleShape: sampleShapeOf(layer.name, layer.outputShape),
    }));
    this.pointIndex = new Map(this.noisePoints.map((p, i) => [p.name, i]));
    this.firstLayerReuse = options.reuseFirstLayer === false ? undefined : new FirstLayerReuse();
    this.checkFinite = options.checkFinite !== false;
  }

  /** The number of classes the model predicts (the last dimension of its output). */
  get numClasses(): number {
    const shape = this.model.outputs[0].shape;
    return shape[shape.length - 1] ?? 0;
  }

  doPass(request: PassRequest<Tensor>): PassResult<Tensor, NamedGradients> {
    const { x, y, batchSize } = request;
    if (x.shape[0] !== batchSize || y.shape[0] !== batchSize) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `request.x and request.y must have batchSize (${batchSize}) rows, got ${x.shape[0]} and ${y.shape[0]}`,
        { argument: 'request' },
      );
    }
    const variables = request.weightGradients ? this.trainableVariables() : [];
    // One scalar source puts every noise op on the backward path; each op hands over its dJ/dh_hat.
    const anchor = request.noiseGradients ? scalar(0) : null;
    const captured: (Tensor | undefined)[] = new Array(this.noisePoints.length);
    const forward = () => this.forwardLoss(request, anchor, captured);
    const sources = anchor === null ? variables : [...variables, anchor];
    const reuseMode = request.weightGradients ? 'use' : request.noiseGradients ? 'store' : 'off';
    this.firstLayerReuse?.begin(x, reuseMode);
    let failed = true;
    try {
      if (sources.length === 0) {
        // Nothing to differentiate (or a model with no trainable weights): a plain forward pass.
        const loss = tidy(forward);
        failed = false;
        return request.weightGradients ? { loss, weightGradients: {} } : { loss };
      }
      const dy = this.gradientScale === 1 ? undefined : scalar(this.gradientScale);
      const { value, grads } = (() => {
        try {
          return engine().gradients(forward, sources, dy, true);
        } finally {
          if (dy !== undefined) dy.dispose();
        }
      })();
      // The anchor's own gradient (zero) is of no use.
      if (anchor !== null && grads[variables.length] != null) dispose(grads[variables.length]);
      const result: { loss: Tensor; weightGradients?: NamedGradients; noiseGradients?: Tensor[] } = {
        loss: value,
      };
      if (request.weightGradients) {
        const named: NamedGradients = {};
        variables.forEach((v, i) => {
          // A variable the loss does not depend on (e.g. a frozen branch) has no gradient.
          if (grads[i] != null) named[v.name] = grads[i];
        });
        result.weightGradients = named;
      }
      if (request.noiseGradients) {
        // No gradient reached a point whose activations the loss does not depend on: zero.
        result.noiseGradients = this.noisePoints.map(
          (p, i) => captured[i] ?? zeros([batchSize, ...p.sampleShape]),
        );
        captured.length = 0;
      }
      failed = false;
      return result;
    } catch (error) {
      dispose(captured.filter((t): t is Tensor => t !== undefined));
      discardFailedTape();
      throw error;
    } finally {
      if (anchor !== null) dispose(anchor);
      this.firstLayerReuse?.end(failed);
    }
  }

  doApplyGradients(gradients: NamedGradients): void {
    this.applyGradients(gradients, this.checkFinite && backendReadsSync());
  }

  /**
   * `doApplyGradients` for gradients whose values the caller has checked to be finite (the worker
   * pool does while summing the workers' gradients), so no read-back is needed.
   */
  applyCheckedGradients(gradients: NamedGradients): void {
    this.applyGradients(gradients, false);
  }

  private applyGradients(gradients: NamedGradients, checkFinite: boolean): void {
    const variables = this.trainableVariables();
    const known = new Set(variables.map((v) => v.name));
    for (const name of Object.keys(gradients)) {
      if (!known.has(name)) {
        throw new AnlError(
          'NOT_FOUND',
          `gradients hold "${name}", which is not a trainable weight of the model`,
          {
            argument: 'gradients',
          },
        );
      }
    }
    // The check reads one flag back; webgpu in Node cannot do that synchronously, so it goes unchecked.
    if (checkFinite) assertFiniteGradients(gradients);
    // Clones share the variables' buffers (no copy); with the optimizer's captured slots they let us
    // undo a half-applied update: weights, momentum/moments and the iteration count as they were.
    const before = variables.map((v) => clone(v));
    const optimizerState = captureOptimizerState(this.optimizer);
    try {
      this.optimizer.applyGradients(gradients);
    } catch (error) {
      variables.forEach((v, i) => {
        v.assign(before[i]);
      });
      optimizerState.restore();
      throw error;
    } finally {
      dispose(before);
      optimizerState.dispose();
    }
  }

  /**
   * A method-provided loss (`LossTermV1`s) over several inputs, for input-space methods (adversarial
   * training, TRADES). Every forward runs in `request.mode` (training by default) with noise layers
   * the identity; `'loss'` terms use the model's loss, `'kl'` terms its class probabilities (its
   * softmax outputs, or softmax of its logits when the last layer is not a softmax). The model's
   * regularisation losses are added once when a `'loss'` term is present, as in `doPass`. Input
   * gradients come from the same `engine().gradients` call as the weights'.
   */
  doLossPass(request: LossPassRequest<Tensor>): LossPassResult<Tensor, NamedGradients> {
    checkLossRequest(request, (t) => t.shape);
    const training = (request.mode ?? 'training') === 'training';
    const variables = request.weightGradients ? this.trainableVariables() : [];
    // Each input whose gradient is asked gets its own source tensor (a clone shares the data).
    const wanted = [...new Set(request.inputGradients)];
    const sources = wanted.map((i) => clone(request.inputs[i]));
    const inputs = request.inputs.map((x, i) => {
      const k = wanted.indexOf(i);
      return k < 0 ? x : sources[k];
    });
    const probabilities = lastActivation(this.model) === 'softmax';
    const forward = (x: Tensor): Tensor =>
      withUnfusedLayerCalls(this.model, () => this.model.apply(x, { training }) as Tensor);
    const logProbabilities = (out: Tensor): Tensor =>
      // log of probabilities; the floor keeps -Infinity out (as the attacks' classifier).
      probabilities ? log(maximum(out, 1e-30)) : logSoftmax(out, -1);
    // A KL's fixed side is computed outside the tape: no gradient can flow through it.
    const fixed = new Map<number, Tensor>();
    this.firstLayerReuse?.clear();
    const identity = { inject: (_name: string, h: Tensor) => h };
    const lossFn = (): Scalar =>
      withNoiseInjector(identity, () => {
        const outputs = new Map<number, Tensor>();
        const out = (i: number) => {
          let o = outputs.get(i);
          if (o === undefined) {
            o = forward(inputs[i]);
            outputs.set(i, o);
          }
          return o;
        };
        let total: Tensor | null = null;
        const addTerm = (t: Tensor) => {
          total = total === null ? t : add(total, t);
        };
        for (const term of request.terms)
          addTerm(mul(this.termValue(term, out, fixed, logProbabilities, request), term.weight));
        const firstLoss = request.terms.find(
          (t): t is Extract<LossTermV1, { kind: 'loss' }> => t.kind === 'loss',
        );
        if (firstLoss !== undefined) {
          // The trainer's accuracy counts the first input the model's loss is taken on.
          if (request.weightGradients && this.predictionObserver !== null)
            this.predictionObserver(request.y, out(firstLoss.input));
          for (const regularisation of this.model.calculateLosses()) addTerm(regularisation);
        }
        return total as unknown as Scalar;
      });
    try {
      for (const term of request.terms) {
        if (term.kind === 'kl' && term.fixFrom && !fixed.has(term.from)) {
          fixed.set(
            term.from,
            tidy(() =>
              withNoiseInjector(identity, () => logProbabilities(forward(request.inputs[term.from]))),
            ),
          );
        }
      }
      const allSources = [...variables, ...sources];
      if (allSources.length === 0) {
        const loss = tidy(lossFn);
        return request.weightGradients
          ? { loss, weightGradients: {}, inputGradients: [] }
          : { loss, inputGradients: [] };
      }
      const { value, grads } = engine().gradients(lossFn, allSources, undefined, true);
      const result: { loss: Tensor; weightGradients?: NamedGradients; inputGradients: Tensor[] } = {
        loss: value,
        inputGradients: [],
      };
      if (request.weightGradients) {
        const named: NamedGradients = {};
        variables.forEach((v, i) => {
          if (grads[i] != null) named[v.name] = grads[i];
        });
        result.weightGradients = named;
      }
      const inputGrads = wanted.map((i, k) => grads[variables.length + k] ?? zeros(request.inputs[i].shape));
      result.inputGradients = request.inputGradients.map((i) => {
        const g = inputGrads[wanted.indexOf(i)];
        return request.inputGradients.indexOf(i) === request.inputGradients.lastIndexOf(i) ? g : clone(g);
      });
      // Duplicated requests got clones; free the originals those came from.
      wanted.forEach((i, k) => {
        if (request.inputGradients.indexOf(i) !== request.inputGradients.lastIndexOf(i))
          dispose(inputGrads[k]);
      });
      return result;
    } catch (error) {
      discardFailedTape();
      throw error;
    } finally {
      dispose(sources);
      dispose([...fixed.values()]);
    }
  }

  /** One term's value (a batch mean), inside the tape. */
  private termValue(
    term: LossTermV1,
    out: (i: number) => Tensor,
    fixed: ReadonlyMap<number, Tensor>,
    logProbabilities: (out: Tensor) => Tensor,
    request: LossPassRequest<Tensor>,
  ): Tensor {
    if (term.kind === 'loss') return this.lossFunction(request.y, out(term.input));
    const logP = (term.fixFrom ? fixed.get(term.from) : undefined) ?? logProbabilities(out(term.from));
    const logQ = logProbabilities(out(term.to));
    return mean(sum(mul(exp(logP), sub(logP, logQ)), -1));
  }

  /** Frees what the adapter keeps between passes (the first layer's cached output); the model stays usable. */
  dispose(): void {
    this.firstLayerReuse?.clear();
  }

  disposeGradients(gradients: NamedGradients): void {
    dispose(Object.values(gradients));
  }

  /** The tf.Variables the optimizer updates, in the model's order. */
  trainableVariables(): Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as Variable);
  }

  private forwardLoss(
    request: PassRequest<Tensor>,
    anchor: Tensor | null,
    captured: (Tensor | undefined)[],
  ): Scalar {
    const visited = new Set<number>();
    const injector = {
      inject: (layerName: string, h: Tensor): Tensor => {
        const point = this.pointIndex.get(layerName);
        if (point === undefined) return h;
        if (visited.has(point)) {
          throw new AnlError(
            'UNSUPPORTED',
            `noise layer "${layerName}" is called twice in one forward pass`,
            {
              argument: 'model',
            },
          );
        }
        visited.add(point);
        if (h.shape[0] !== request.batchSize) {
          throw new AnlError(
            'SHAPE_MISMATCH',
            `noise layer "${layerName}" got ${h.shape[0]} rows, expected batchSize ${request.batchSize}`,
            { argument: 'request.x' },
          );
        }
        const noise = (hh: Tensor) => this.checkedNoise(request, point, hh);
        if (anchor === null) return addConstantNoise(h, noise, null);
        return addConstantNoiseCapturing(h, noise, anchor, (dy) => {
          const previous = captured[point];
          if (previous !== undefined) dispose(previous);
          captured[point] = dy;
        });
      },
    };
    return withNoiseInjector(injector, () => {
      const yPred = withUnfusedLayerCalls(
        this.model,
        () => this.model.apply(request.x, { training: true }) as Tensor,
        this.firstLayerReuse,
      );
      if (visited.size !== this.noisePoints.length) {
        const missing = this.noisePoints.filter((_, i) => !visited.has(i)).map((p) => p.name);
        throw new AnlError(
          'NOT_FOUND',
          `noise layers ${missing.join(', ')} were not reached in training mode; is each one in the model's graph?`,
          { argument: 'model' },
        );
      }
      if (request.weightGradients && this.predictionObserver !== null)
        this.predictionObserver(request.y, yPred);
      let loss = this.lossFunction(request.y, yPred);
      for (const regularisation of this.model.calculateLosses()) loss = add(loss, regularisation);
      return loss;
    });
  }

  private checkedNoise(request: PassRequest<Tensor>, point: number, h: Tensor): Tensor | null {
    const eta = request.noise(point, h);
    if (eta !== null && !sameShape(eta.shape, h.shape)) {
      throw new AnlError(
        'SHAPE_MISMATCH',
        `noise for point ${point} (${this.noisePoints[point].name}) must have shape [${h.shape}], got [${eta.shape}]`,
        { argument: 'request.noise' },
      );
    }
    return eta;
  }
}

function lastActivation(model: LayersModel): string | undefined {
  const last = model.layers[model.layers.length - 1];
  const activation = (last?.getConfig() as { activation?: unknown } | undefined)?.activation;
  return typeof activation === 'string' ? activation : undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sampleShapeOf(name: string, outputShape: unknown): number[] {
  const shape = outputShape as (number | null)[];
  const sample = shape.slice(1);
  if (!Array.isArray(outputShape) || Array.isArray(shape[0]) || sample.some((d) => d == null || d < 1)) {
    throw new AnlError(
      'UNSUPPORTED',
      `noise layer "${name}" must have a fixed output shape (one tensor, every dimension but the batch known), got ${JSON.stringify(outputShape)}`,
      { argument: 'model' },
    );
  }
  return sample as number[];
}

/** Throws unless `optimizer` looks like a tfjs Optimizer. */
export function assertOptimizer(optimizer: unknown): asserts optimizer is Optimizer {
  if (optimizer == null || typeof (optimizer as Partial<Optimizer>).applyGradients !== 'function') {
    throw new AnlError(
      'INVALID_ARGUMENT',
      `optimizer must be a tfjs Optimizer (e.g. tf.train.sgd(0.01)), got ${optimizer === null ? 'null' : typeof optimizer}`,
      { argument: 'optimizer' },
    );
  }
}

/**
 * NaN or Infinity in any gradient (a non-finite loss, or data the checks could not see) ->
 * AnlError NON_FINITE before anything is applied, so the weights stay as they were. One read-back.
 */
function assertFiniteGradients(gradients: NamedGradients): void {
  const values = Object.values(gradients);
  if (values.length === 0) return;
  const ok = tidy(() => values.map((g) => all(elementIsFinite(g))).reduce((a, b) => logicalAnd(a, b)));
  const finite = ok.dataSync()[0] === 1;
  ok.dispose();
  if (!finite) throw nonFiniteGradients();
}

/** The error for gradients holding NaN or Infinity (nothing was applied). */
export function nonFiniteGradients(): AnlError {
  return new AnlError(
    'NON_FINITE',
    'gradients hold NaN or Infinity (a non-finite loss: check the data, the learning rate and eps); no weight was changed',
    { argument: 'gradients' },
  );
}
