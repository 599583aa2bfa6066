import type { NoisePointInfo, PassRequest, PassResult, TensorOpsV1, TrainableModelV1 } from '@anl/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** A tensor copied to the host: shape and row-major values (the shape of `RefTensor`). */
export interface HostTensor {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** What one `doPass` saw and returned, on the host. */
export interface RecordedPass {
  readonly weightGradients: boolean;
  readonly noiseGradients: boolean;
  /** Per noise point: the activation h the noise function was called with. */
  readonly activations: HostTensor[];
  /** Per noise point: the noise the function returned (null for none). */
  readonly noise: (HostTensor | null)[];
  /** Per noise point: dJ/dh_hat, when the pass computed it. */
  readonly gradients: HostTensor[];
  loss: number;
}

function toHost(t: Tensor): HostTensor {
  return { shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
}

/**
 * Wraps a `TrainableModelV1` and records every pass (activations, noise, noise gradients, loss) on
 * the host while delegating everything. For tests and debugging: it reads tensors back every pass,
 * so it is slow by design.
 */
export class RecordingTrainableModel<G> implements TrainableModelV1<Tensor, G> {
  readonly specificationVersion = 'v1' as const;
  readonly passes: RecordedPass[] = [];
  appliedUpdates = 0;

  constructor(private readonly inner: TrainableModelV1<Tensor, G>) {}

  get ops(): TensorOpsV1<Tensor> {
    return this.inner.ops;
  }

  get noisePoints(): readonly NoisePointInfo[] {
    return this.inner.noisePoints;
  }

  doPass(request: PassRequest<Tensor>): PassResult<Tensor, G> {
    const activations: HostTensor[] = [];
    const noise: (HostTensor | null)[] = [];
    const result = this.inner.doPass({
      ...request,
      noise: (point, h) => {
        activations[point] = toHost(h);
        const eta = request.noise(point, h);
        noise[point] = eta === null ? null : toHost(eta);
        return eta;
      },
    });
    this.passes.push({
      weightGradients: request.weightGradients,
      noiseGradients: request.noiseGradients,
      activations,
      noise,
      gradients: (result.noiseGradients ?? []).map(toHost),
      loss: result.loss.dataSync()[0],
    });
    return result;
  }

  doApplyGradients(gradients: G): void {
    this.inner.doApplyGradients(gradients);
    this.appliedUpdates += 1;
  }

  disposeGradients(gradients: G): void {
    this.inner.disposeGradients(gradients);
  }
}
