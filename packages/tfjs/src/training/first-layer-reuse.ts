import { customGrad, dispose, keep, type Tensor, zerosLike } from '@tensorflow/tfjs-core';

/** What a pass does with first-layer outputs: keep them, use kept ones, or neither. */
export type ReuseMode = 'store' | 'use' | 'off';

interface Entry {
  x: object;
  kernel: object;
  bias: object | null;
  value: Tensor;
}

/**
 * ANL's two rounds run the same weights on the same batch, so a Dense or Conv2D layer fed straight
 * from the batch computes the same `x·W + b` in both: before any noise point, nothing differs. The
 * noise-gradient pass (`'store'`, round 1) keeps that value; the weight-gradient pass that follows
 * (`'use'`, round 2) takes it through an op whose gradient is the layer's own weight gradients, so
 * the first layer's forward (on LeNet-5, the costliest convolution and its bias add) runs once per
 * step. (ANP steps the optimizer after every pass, so its passes never find a value to reuse.)
 *
 * A value is used only when the layer gets the very same input data and kernel and bias buffers
 * (an optimizer step replaces them), so anything that changed falls back to computing it.
 */
export class FirstLayerReuse {
  private readonly entries = new Map<object, Entry>();
  private mode: ReuseMode = 'off';
  private batch: object | null = null;

  /** Starts a pass over `x`. `'store'` and `'off'` drop what an earlier pass kept. */
  begin(x: Tensor, mode: ReuseMode): void {
    if (mode !== 'use') this.clear();
    this.mode = mode;
    this.batch = dataOf(x);
  }

  /** Ends a pass: a `'use'` pass (the last of a step) or a failed one drops everything kept. */
  end(failed: boolean): void {
    if (this.mode === 'use' || failed) this.clear();
    this.mode = 'off';
    this.batch = null;
  }

  /** Frees every kept value. */
  clear(): void {
    for (const entry of this.entries.values()) dispose(entry.value);
    this.entries.clear();
  }

  /** The number of values kept now (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * `compute()` (the layer's `x·W + b`, before its activation), or the value a `'store'` pass kept
   * for this layer. `weightGradients(dy)` must give the gradients of kernel and bias (null when the
   * layer has none) for an upstream gradient `dy`, exactly as the plain ops' gradients would.
   */
  linear(
    layer: object,
    x: Tensor,
    kernel: Tensor,
    bias: Tensor | null,
    compute: () => Tensor,
    weightGradients: (dy: Tensor) => [Tensor, Tensor | null],
  ): Tensor {
    if (this.mode === 'off' || dataOf(x) !== this.batch) return compute();
    if (this.mode === 'store') {
      const value = compute();
      const previous = this.entries.get(layer);
      if (previous !== undefined) dispose(previous.value);
      this.entries.set(layer, {
        x: dataOf(x),
        kernel: dataOf(kernel),
        bias: bias === null ? null : dataOf(bias),
        // A clone shares the buffer (no copy) and lives on whatever the pass does with `value`.
        value: keep(value.clone()),
      });
      return value;
    }
    const entry = this.entries.get(layer);
    if (
      entry === undefined ||
      entry.x !== dataOf(x) ||
      entry.kernel !== dataOf(kernel) ||
      entry.bias !== (bias === null ? null : dataOf(bias))
    ) {
      return compute();
    }
    const inputs = bias === null ? [x, kernel] : [x, kernel, bias];
    const op = customGrad((...args: unknown[]) => ({
      value: entry.value.clone(),
      gradFunc: (dy: Tensor) => {
        // x is the batch, never a gradient source: its gradient is not used, only required.
        const [dKernel, dBias] = weightGradients(dy);
        const dx = zerosLike(args[0] as Tensor);
        return dBias === null ? [dx, dKernel] : [dx, dKernel, dBias];
      },
    }));
    return op(...inputs);
  }
}

/** The buffer behind a tensor: clones and the tensor itself share it; an update replaces it. */
function dataOf(t: Tensor): object {
  return (t as unknown as { dataId: object }).dataId;
}
