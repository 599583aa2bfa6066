import type { OnnxAttribute } from '@anl/onnx';

/** Element types a lazy node can hold; only `float` tensors leave `OrtTensorOps`. */
export type LazyDataType = 'float' | 'int64' | 'bool';

/**
 * What a lazy node is:
 * - `feed`: host values handed to the graph as an input at run time (data from `fromArray`, scale
 *   factors, clip bounds, row indices), so graphs that differ only in these values share a session;
 * - `constant`: small values that fix the graph's structure (Reshape targets, the 0 of safeReciprocal),
 *   stored as initializers and part of the session's cache key;
 * - `op`: one ONNX node applied to other lazy nodes.
 */
export type LazyKind = 'feed' | 'constant' | 'op';

let nextId = 0;

/**
 * A tensor of `OrtTensorOps`: a node of an expression DAG, not yet computed. Its shape is known at
 * once (ops check shapes when they are called); `OrtTensorOps.toArray` compiles the DAG below it
 * into one ONNX graph and runs it. After `toArray`, the node keeps its values, and later graphs read
 * it as a feed instead of recomputing it.
 */
export class OrtLazyTensor {
  /** Creation order; used only to tell nodes apart in messages. */
  readonly id = nextId++;
  readonly kind: LazyKind;
  readonly dataType: LazyDataType;
  readonly shape: readonly number[];
  /** The ONNX op type (`op` nodes). */
  readonly opType: string;
  readonly attributes: readonly OnnxAttribute[];
  private values: Float32Array | readonly number[] | null;
  private ownInputs: readonly OrtLazyTensor[];

  private constructor(
    kind: LazyKind,
    dataType: LazyDataType,
    shape: readonly number[],
    opType: string,
    inputs: readonly OrtLazyTensor[],
    attributes: readonly OnnxAttribute[],
    values: Float32Array | readonly number[] | null,
  ) {
    this.kind = kind;
    this.dataType = dataType;
    this.shape = Object.freeze([...shape]);
    this.opType = opType;
    this.ownInputs = inputs;
    this.attributes = attributes;
    this.values = values;
  }

  /** Host values fed at run time. `values` is owned by the node from now on (callers pass a copy). */
  static feed(
    values: Float32Array | readonly number[],
    shape: readonly number[],
    dataType: LazyDataType = 'float',
  ) {
    return new OrtLazyTensor('feed', dataType, shape, '', [], [], values);
  }

  /** A structural constant (an initializer of the compiled graph). */
  static constant(
    values: Float32Array | readonly number[],
    shape: readonly number[],
    dataType: LazyDataType,
  ) {
    return new OrtLazyTensor('constant', dataType, shape, '', [], [], values);
  }

  /** One ONNX node of `inputs`, whose output has `shape` and `dataType`. */
  static op(
    opType: string,
    inputs: readonly OrtLazyTensor[],
    shape: readonly number[],
    attributes: readonly OnnxAttribute[] = [],
    dataType: LazyDataType = 'float',
  ): OrtLazyTensor {
    return new OrtLazyTensor('op', dataType, shape, opType, inputs, attributes, null);
  }

  /** The nodes this one is computed from (none once it has been computed). */
  get inputs(): readonly OrtLazyTensor[] {
    return this.ownInputs;
  }

  /** The node's values when they are known on the host (leaves, and ops already computed). */
  get hostValues(): Float32Array | readonly number[] | null {
    return this.values;
  }

  /** Whether compiling must treat this node as a graph input rather than expand its inputs. */
  get isComputed(): boolean {
    return this.values !== null;
  }

  /** Records the values computed for an `op` node, so later graphs feed them instead of recomputing. */
  remember(values: Float32Array): void {
    if (this.kind !== 'op' || this.values !== null) return;
    this.values = values;
    // Drop the inputs so the sub-graph below (and its host data) can be garbage collected.
    this.ownInputs = [];
  }
}
