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
  /** Initializers by content, so a layer called twice (or equal small constants) is stored once. */
  private readonly byContent = new Map<string, OnnxTensor[]>();

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

  /** Adds a constant (an initializer) unless an equal one exists; returns its name. */
  constant(
    hint: string,
    values: Float32Array | readonly number[],
    dims: readonly number[],
    dataType: OnnxDataType = 'float',
  ): string {
    const key = `${dataType}[${dims}]#${contentHash(values)}`;
    const candidates = this.byContent.get(key) ?? [];
    const same = candidates.find((t) => sameValues(t.values, values));
    if (same) return same.name;
    const name = this.uniqueName(hint);
    const tensor: OnnxTensor = { name, dataType, dims, values };
    this.initializers.push(tensor);
    candidates.push(tensor);
    this.byContent.set(key, candidates);
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

/** FNV-1a over the values (as float32 bits for floats): a cheap key, confirmed by `sameValues`. */
function contentHash(values: Float32Array | readonly number[]): number {
  const bits =
    values instanceof Float32Array
      ? new Uint32Array(values.buffer, values.byteOffset, values.length)
      : values;
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ (bits[i] | 0), 0x01000193);
  return h >>> 0;
}

function sameValues(a: Float32Array | readonly number[], b: Float32Array | readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
