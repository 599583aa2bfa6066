import {
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Runs registered kernels of one backend directly (no engine, no tape, no profiler entry), the way the
 * backends' own kernels call each other, and frees every intermediate it made. Composite kernels use it so
 * that a backward kernel built from five forward kernels shows up once in `tf.profile`.
 */
export class KernelRunner {
  private readonly temporaries: TensorInfo[] = [];

  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string,
  ) {}

  /** Runs `kernelName` and remembers the result as a temporary (freed by `dispose` unless kept). */
  run(kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: object = {}): TensorInfo {
    const config = getKernel(kernelName, this.backendName);
    if (config === undefined) {
      throw new Error(`wasm-training: kernel '${kernelName}' is not registered for '${this.backendName}'`);
    }
    return this.runConfig(config, inputs, attrs);
  }

  /** Runs a given kernel config (e.g. the backend's own kernel that a replacement wraps). */
  runConfig(
    config: KernelConfig,
    inputs: Record<string, TensorInfo> | TensorInfo[],
    attrs: object = {},
  ): TensorInfo {
    const kernelName = config.kernelName;
    const out = config.kernelFunc({
      inputs: inputs as Record<string, TensorInfo>,
      attrs: attrs as NamedAttrMap,
      backend: this.backend,
    });
    if (Array.isArray(out)) {
      throw new Error(`wasm-training: kernel '${kernelName}' returned several outputs`);
    }
    this.temporaries.push(out);
    return out;
  }

  /** Adopts a tensor made elsewhere as a temporary. */
  keep(t: TensorInfo): TensorInfo {
    this.temporaries.push(t);
    return t;
  }

  /** Shorthand for the kernels this module composes. */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Pads with zeros where a pad is positive and crops where it is negative, per axis `[before, after]`. */
  padOrCrop(x: TensorInfo, pads: [number, number][]): TensorInfo {
    let out = x;
    if (pads.some(([a, b]) => a < 0 || b < 0)) {
      const begin = pads.map(([a]) => Math.max(0, -a));
      const size = pads.map(([a, b], i) => out.shape[i] - Math.max(0, -a) - Math.max(0, -b));
      out = this.run('Slice', { x: out }, { begin, size });
    }
    if (pads.some(([a, b]) => a > 0 || b > 0)) {
      const paddings = pads.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]);
      out = this.run('PadV2', { x: out }, { paddings, constantValue: 0 });
    }
    return out;
  }

  /** Frees every temporary except `keep` (the kernel's result, handed to the engine). */
  dispose(keep?: TensorInfo): void {
    for (const t of this.temporaries) {
      if (t === keep) continue;
      this.backend.disposeData(t.dataId);
    }
    this.temporaries.length = 0;
  }
}
