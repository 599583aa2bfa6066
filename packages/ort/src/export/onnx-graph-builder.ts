import type {
  OnnxAttribute,
  OnnxDataType,
  OnnxGraph,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from '../onnx/onnx-model';

/** Collects the nodes, initializers, inputs and outputs of one ONNX graph under unique names. */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly used = new Set<string>();

  /** A name not used yet, from `hint` (ONNX names are free-form; we keep them readable). */
  uniqueName(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'value';
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a graph input; returns its name. */
  input(hint: string, dataType: OnnxDataType, shape: readonly (number | string)[]): string {
    const name = this.uniqueName(hint);
    this.inputs.push({ name, dataType, shape });
    return name;
  }

  /** Declares `name` a graph output, renamed to `hint` through an Identity node. */
  output(name: string, hint: string, dataType: OnnxDataType, shape: readonly (number | string)[]): string {
    const outName = this.uniqueName(hint);
    this.nodes.push({ opType: 'Identity', inputs: [name], outputs: [outName], name: `${outName}/identity` });
    this.outputs.push({ name: outName, dataType, shape });
    return outName;
  }

  /** Adds a constant (an initializer); returns its name. */
  constant(
    hint: string,
    values: Float32Array | readonly number[],
    dims: readonly number[],
    dataType: OnnxDataType = 'float',
  ): string {
    const name = this.uniqueName(hint);
    this.initializers.push({ name, dataType, dims, values });
    return name;
  }

  /** An int64 vector constant (shapes, axes, pads). */
  int64s(hint: string, values: readonly number[]): string {
    return this.constant(hint, values, [values.length], 'int64');
  }

  /** Adds one node with one output; returns the output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    hint: string,
    attributes: readonly OnnxAttribute[] = [],
  ): string {
    const out = this.uniqueName(hint);
    this.nodes.push({ opType, inputs, outputs: [out], name: out, attributes });
    return out;
  }

  build(name: string): OnnxGraph {
    return {
      name,
      nodes: [...this.nodes],
      initializers: [...this.initializers],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
    };
  }
}
