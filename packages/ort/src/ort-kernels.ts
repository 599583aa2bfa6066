import { shapeSize, type TensorKernelsV1 } from '@anl/core';
import { encodeOnnxModel } from '@anl/onnx';
import * as ort from 'onnxruntime-node';
import { compileGraph } from './lazy/compile-graph';
import { indexFeed, reduceAll, reduceRows, reshape, scalarFeed } from './lazy/expressions';
import { hostNormal, hostUniform } from './lazy/host-random';
import { OrtLazyTensor } from './lazy/ort-lazy-tensor';
import type { SessionCache } from './lazy/session-cache';
import { assertLazyTensor } from './validate';

/**
 * The ops of `OrtTensorOps`, called only with arguments `CheckedTensorOps` (in @anl/core) has
 * checked. Tensors are lazy expression nodes; `toArray` compiles and runs them (see OrtTensorOps).
 */
export class OrtKernels implements TensorKernelsV1<OrtLazyTensor> {
  readonly name = 'onnxruntime-node';

  constructor(readonly sessions: SessionCache) {}

  assertTensor(t: unknown, argument: string): asserts t is OrtLazyTensor {
    assertLazyTensor(t, argument);
  }

  // ---- creation and transfer ----

  fromArray(values: Float32Array | readonly number[], shape: readonly number[]): OrtLazyTensor {
    return OrtLazyTensor.feed(Float32Array.from(values), shape);
  }

  zeros(shape: readonly number[]): OrtLazyTensor {
    return OrtLazyTensor.feed(new Float32Array(shapeSize(shape)), shape);
  }

  shape(t: OrtLazyTensor): number[] {
    return [...t.shape];
  }

  /**
   * Compiles and runs the DAG below `t` (one ONNX graph, one session run) and returns a copy of its
   * values. The node remembers them: later computations that use `t` feed them instead of
   * recomputing, which also keeps the graphs of long-running loops short.
   */
  async toArray(t: OrtLazyTensor): Promise<Float32Array> {
    const known = t.hostValues;
    if (known !== null) return Float32Array.from(known);
    if (shapeSize(t.shape) === 0) return new Float32Array(0);
    const compiled = compileGraph(t);
    const feeds: Record<string, ort.Tensor> = {};
    for (const f of compiled.feeds) {
      feeds[f.name] =
        f.dataType === 'int64'
          ? new ort.Tensor('int64', BigInt64Array.from(f.values as readonly number[], BigInt), [...f.shape])
          : new ort.Tensor('float32', f.values as Float32Array, [...f.shape]);
    }
    const result = await this.sessions.run(
      compiled.key,
      () => encodeOnnxModel({ graph: compiled.graph, producerName: '@anl/ort' }),
      feeds,
      compiled.outputName,
    );
    const values = Float32Array.from(result.data as Float32Array);
    result.dispose();
    t.remember(values);
    return values.slice();
  }

  // ---- element-wise ----

  add(a: OrtLazyTensor, b: OrtLazyTensor): OrtLazyTensor {
    return this.zip('Add', a, b);
  }

  sub(a: OrtLazyTensor, b: OrtLazyTensor): OrtLazyTensor {
    return this.zip('Sub', a, b);
  }

  mul(a: OrtLazyTensor, b: OrtLazyTensor): OrtLazyTensor {
    return this.zip('Mul', a, b);
  }

  scale(a: OrtLazyTensor, s: number): OrtLazyTensor {
    // The factor is fed, not baked in: every scale(a, ·) of one shape shares a session.
    return OrtLazyTensor.op('Mul', [a, scalarFeed(s)], a.shape);
  }

  scaleByScalar(a: OrtLazyTensor, s: OrtLazyTensor): OrtLazyTensor {
    return OrtLazyTensor.op('Mul', [a, s], a.shape);
  }

  sign(a: OrtLazyTensor): OrtLazyTensor {
    return this.unary('Sign', a);
  }

  abs(a: OrtLazyTensor): OrtLazyTensor {
    return this.unary('Abs', a);
  }

  clip(a: OrtLazyTensor, lo: number, hi: number): OrtLazyTensor {
    return OrtLazyTensor.op('Clip', [a, scalarFeed(lo), scalarFeed(hi)], a.shape);
  }

  safeReciprocal(a: OrtLazyTensor): OrtLazyTensor {
    // Where picks 0 at a == 0; Reciprocal's Inf there is computed but never selected.
    const zero = OrtLazyTensor.constant(Float32Array.of(0), [], 'float');
    const isZero = OrtLazyTensor.op('Equal', [a, zero], a.shape, [], 'bool');
    const reciprocal = OrtLazyTensor.op('Reciprocal', [a], a.shape);
    return OrtLazyTensor.op('Where', [isZero, zero, reciprocal], a.shape);
  }

  // ---- per-sample broadcasting ----

  mulPerSample(a: OrtLazyTensor, v: OrtLazyTensor): OrtLazyTensor {
    if (a.shape.length === 1) return OrtLazyTensor.op('Mul', [a, v], a.shape);
    // [B] -> [B, 1, ..., 1] broadcasts over each sample.
    const column = reshape(v, [a.shape[0], ...a.shape.slice(1).map(() => 1)]);
    return OrtLazyTensor.op('Mul', [a, column], a.shape);
  }

  // ---- reductions ----

  mean(a: OrtLazyTensor): OrtLazyTensor {
    return reduceAll('ReduceMean', a);
  }

  std(a: OrtLazyTensor): OrtLazyTensor {
    // Population std: sqrt(mean((a - mean(a))^2)), centred first so large offsets do not cancel.
    const mean = reduceAll('ReduceMean', a, true);
    const centred = OrtLazyTensor.op('Sub', [a, mean], a.shape);
    const squared = OrtLazyTensor.op('Mul', [centred, centred], a.shape);
    return OrtLazyTensor.op('Sqrt', [reduceAll('ReduceMean', squared)], []);
  }

  maxAbsPerSample(a: OrtLazyTensor): OrtLazyTensor {
    return reduceRows('ReduceMax', OrtLazyTensor.op('Abs', [a], a.shape));
  }

  l2NormPerSample(a: OrtLazyTensor): OrtLazyTensor {
    return reduceRows('ReduceL2', a);
  }

  // ---- random ----

  /**
   * Drawn on the host with @anl/core's `createRng(seed)` and fed to the graph. ORT's own
   * RandomNormal keeps its generator inside the session and advances it on every run, so with cached
   * sessions the same seed would not give the same values (see the test beside this file); its float
   * seed attribute also cannot hold every 32-bit seed.
   */
  randomNormal(shape: readonly number[], mean: number, std: number, seed: number): OrtLazyTensor {
    return OrtLazyTensor.feed(hostNormal(shapeSize(shape), mean, std, seed), shape);
  }

  /** Uniform draws in [lo, hi), on the host like `randomNormal`. */
  randomUniform(shape: readonly number[], lo: number, hi: number, seed: number): OrtLazyTensor {
    return OrtLazyTensor.feed(hostUniform(shapeSize(shape), lo, hi, seed), shape);
  }

  // ---- rows ----

  gatherRows(table: OrtLazyTensor, indices: Int32Array): OrtLazyTensor {
    const shape = [indices.length, ...table.shape.slice(1)];
    if (indices.length === 0) return this.zeros(shape);
    return OrtLazyTensor.op('Gather', [table, indexFeed(indices, [indices.length])], shape, [
      { name: 'axis', type: 'int', value: 0 },
    ]);
  }

  scatterRows(
    table: OrtLazyTensor,
    rows: Int32Array,
    src: OrtLazyTensor,
    srcRows: Int32Array,
  ): OrtLazyTensor {
    // ScatterND leaves the order of duplicate writes undefined: keep only each row's last write.
    const lastWrite = new Map<number, number>();
    for (let k = 0; k < rows.length; k++) lastWrite.set(rows[k], srcRows[k]);
    if (lastWrite.size === 0) return table;
    const targets = [...lastWrite.keys()];
    const sources = [...lastWrite.values()];
    const rowShape = table.shape.slice(1);
    const updates = OrtLazyTensor.op(
      'Gather',
      [src, indexFeed(sources, [sources.length])],
      [sources.length, ...rowShape],
      [{ name: 'axis', type: 'int', value: 0 }],
    );
    return OrtLazyTensor.op(
      'ScatterND',
      [table, indexFeed(targets, [targets.length, 1]), updates],
      table.shape,
    );
  }

  // ---- memory: garbage collected ----

  /** Runs `fn`. Lazy tensors are plain objects freed by the garbage collector. */
  tidy<R>(fn: () => R): R {
    return fn();
  }

  /** Returns `t`; nothing to keep. */
  keep(t: OrtLazyTensor): OrtLazyTensor {
    return t;
  }

  /** Nothing to free: lazy tensors are garbage collected. */
  dispose(_t: OrtLazyTensor | readonly OrtLazyTensor[]): void {}

  // ---- helpers ----

  private zip(opType: string, a: OrtLazyTensor, b: OrtLazyTensor): OrtLazyTensor {
    return OrtLazyTensor.op(opType, [a, b], a.shape);
  }

  private unary(opType: string, a: OrtLazyTensor): OrtLazyTensor {
    return OrtLazyTensor.op(opType, [a], a.shape);
  }
}
