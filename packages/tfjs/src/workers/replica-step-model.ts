import {
  AnlError,
  type NoiseFn,
  type NoisePointInfo,
  type PassRequest,
  type PassResult,
  type TensorOpsV1,
  type TrainableModelV1,
} from '@anl/core';
import { dispose, keep, scalar, type Tensor, type Variable, zeros } from '@tensorflow/tfjs-core';
import type { NamedGradients, TfjsTrainableModel } from '../training/tfjs-trainable-model';

/** What a replica's step needs of the worker around it (shared memory and main). */
export interface ReplicaLink {
  /** Writes this worker's moments of point t's activations (its rows). */
  writeMoments(t: number, h: Tensor): void;
  /** s(h) of the whole batch at point t, from every worker's moments. */
  pooledStd(t: number): number;
  /** Waits until every worker has reached this collective (throws when main calls the step off). */
  sync(): void;
  /** Hands the gradients to main for the update and loads the updated weights (throws likewise). */
  update(gradients: NamedGradients): void;
}

/**
 * The `TrainableModelV1` a worker's algorithm steps in a replicated (SPMD) step: passes run on the
 * replica over this worker's rows, with gradients of their share of the batch's mean loss; s(h) of
 * the whole batch comes from every worker's moments; an update goes through main, which sums the
 * workers' gradients and applies them with the user's optimizer.
 */
export class ReplicaStepModel implements TrainableModelV1<Tensor, NamedGradients> {
  readonly specificationVersion = 'v1' as const;
  readonly ops: TensorOpsV1<Tensor>;
  readonly noisePoints: readonly NoisePointInfo[];

  constructor(
    private readonly replica: TfjsTrainableModel,
    private readonly link: ReplicaLink,
    /** This worker's rows over the whole batch's: its gradients' weight. */
    private readonly share: number,
    /**
     * Zeros of each point's local shape, the h handed with s(h) after an observing pass: kept by the
     * worker from step to step (a ResNet's are megabytes to make each time) and freed by it.
     */
    private readonly standIns: Tensor[],
  ) {
    this.ops = replica.ops;
    this.noisePoints = replica.noisePoints;
  }

  doPass(request: PassRequest<Tensor>): PassResult<Tensor, NamedGradients> {
    const readsStd = request.noiseReadsOnlyStd === true && request.noiseIgnoresActivations !== true;
    const observes = readsStd && request.noiseObservesOnly === true;
    if (request.noiseObservesOnly === true && !readsStd) {
      // It would see this worker's rows only: a method observing the whole batch's h runs pass by pass.
      throw new AnlError(
        'UNSUPPORTED',
        "a step on the workers cannot observe the whole batch's activations (only s(h)); leave the method unmarked `shardable`",
        { argument: 'model' },
      );
    }
    const link = this.link;
    // s(h) needs every worker's rows: at the point (one collective each), or, when the noise only
    // observes, once after the pass for all points.
    const noise: NoiseFn<Tensor> = !readsStd
      ? request.noise
      : observes
        ? (t, h) => {
            link.writeMoments(t, h);
            return null;
          }
        : (t, h) => {
            link.writeMoments(t, h);
            link.sync();
            return request.noise(t, h, { std: link.pooledStd(t) });
          };
    const result =
      request.batchSize === 0 ? this.emptyPass(request, noise) : this.replicaPass(request, noise);
    if (observes) {
      try {
        link.sync();
        this.noisePoints.forEach((_, t) => {
          request.noise(t, this.standIn(t, request.batchSize), { std: link.pooledStd(t) });
        });
      } catch (error) {
        this.disposeResult(result);
        throw error;
      }
    }
    return result;
  }

  private replicaPass(
    request: PassRequest<Tensor>,
    noise: NoiseFn<Tensor>,
  ): PassResult<Tensor, NamedGradients> {
    this.replica.gradientScale = this.share;
    return this.replica.doPass({ ...request, noise });
  }

  /**
   * A pass over no rows (a batch smaller than the workers): it takes part in every collective and
   * calls the noise at each point, so the algorithm's state and the rng follow the other workers';
   * the loss it adds is weighted 0 and its gradients are zero.
   */
  private emptyPass(
    request: PassRequest<Tensor>,
    noise: NoiseFn<Tensor>,
  ): PassResult<Tensor, NamedGradients> {
    this.noisePoints.forEach((point, t) => {
      const h = zeros([0, ...point.sampleShape]);
      try {
        // The algorithm owns (and frees) what its noise returns.
        noise(t, h);
      } finally {
        h.dispose();
      }
    });
    return {
      loss: scalar(0),
      ...(request.weightGradients
        ? {
            weightGradients: Object.fromEntries(
              this.replica.model.trainableWeights.map((w) => [
                (w.read() as Variable).name,
                zeros(w.shape as number[]),
              ]),
            ),
          }
        : {}),
      ...(request.noiseGradients
        ? { noiseGradients: this.noisePoints.map((p) => zeros([0, ...p.sampleShape])) }
        : {}),
    };
  }

  doApplyGradients(gradients: NamedGradients): void {
    this.link.update(gradients);
  }

  disposeGradients(gradients: NamedGradients): void {
    dispose(Object.values(gradients));
  }

  private standIn(t: number, rows: number): Tensor {
    const current = this.standIns[t];
    if (current !== undefined && current.shape[0] === rows) return current;
    if (current !== undefined) current.dispose();
    this.standIns[t] = keep(zeros([rows, ...this.noisePoints[t].sampleShape]));
    return this.standIns[t];
  }

  private disposeResult(result: PassResult<Tensor, NamedGradients>): void {
    dispose([result.loss, ...Object.values(result.weightGradients ?? {}), ...(result.noiseGradients ?? [])]);
  }
}
