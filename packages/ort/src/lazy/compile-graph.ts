import type { OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from '@anl/onnx';
import type { LazyDataType, OrtLazyTensor } from './ort-lazy-tensor';

/** A graph input and the host values to feed it. */
export interface GraphFeed {
  readonly name: string;
  readonly dataType: LazyDataType;
  readonly shape: readonly number[];
  readonly values: Float32Array | readonly number[];
}

/** The ONNX graph that computes one lazy tensor, its feeds, and the key of its structure. */
export interface CompiledGraph {
  /** Equal for two graphs exactly when they compile to the same ONNX model (same session). */
  readonly key: string;
  readonly graph: OnnxGraph;
  readonly feeds: readonly GraphFeed[];
  readonly outputName: string;
}

/**
 * Compiles the DAG below `root` into one ONNX graph. Nodes already computed are fed as inputs;
 * structural constants become initializers; identical sub-expressions (same op, attributes and
 * inputs, or equal constants) are computed once. Walks the DAG without recursion, so chains of any
 * length compile.
 */
export function compileGraph(root: OrtLazyTensor): CompiledGraph {
  const names = new Map<OrtLazyTensor, string>();
  const byStructure = new Map<string, string>();
  const lines: string[] = [];
  const feeds: GraphFeed[] = [];
  const inputs: OnnxValueInfo[] = [];
  const initializers: OnnxTensor[] = [];
  const nodes: OnnxNode[] = [];

  const name = (node: OrtLazyTensor): string => {
    const n = names.get(node);
    if (n === undefined) throw new Error(`compileGraph: node ${node.id} visited before its inputs`);
    return n;
  };

  const visit = (node: OrtLazyTensor): void => {
    const values = node.hostValues;
    if (values !== null && node.kind !== 'constant') {
      const feedName = `in${feeds.length}`;
      feeds.push({ name: feedName, dataType: node.dataType, shape: node.shape, values });
      inputs.push({ name: feedName, dataType: node.dataType, shape: node.shape });
      lines.push(`${feedName}=feed:${node.dataType}[${node.shape}]`);
      names.set(node, feedName);
      return;
    }
    if (node.kind === 'constant' && values !== null) {
      const structure = `const:${node.dataType}[${node.shape}]{${Array.from(values).join(',')}}`;
      names.set(
        node,
        reuseOr(structure, () => {
          const constName = `c${initializers.length}`;
          initializers.push({ name: constName, dataType: node.dataType, dims: node.shape, values });
          return constName;
        }),
      );
      return;
    }
    const inputNames = node.inputs.map(name);
    const structure = `${node.opType}(${inputNames.join(',')})${JSON.stringify(node.attributes)}`;
    names.set(
      node,
      reuseOr(structure, () => {
        const outName = `n${nodes.length}`;
        nodes.push({
          opType: node.opType,
          inputs: inputNames,
          outputs: [outName],
          attributes: node.attributes,
        });
        return outName;
      }),
    );
  };

  function reuseOr(structure: string, create: () => string): string {
    const existing = byStructure.get(structure);
    if (existing !== undefined) return existing;
    const created = create();
    byStructure.set(structure, created);
    lines.push(`${created}=${structure}`);
    return created;
  }

  // Iterative post-order DFS: a node is visited once all its inputs are.
  const stack: { node: OrtLazyTensor; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (names.has(top.node)) {
      stack.pop();
      continue;
    }
    const expandable = top.node.kind === 'op' && !top.node.isComputed;
    if (!top.expanded && expandable) {
      top.expanded = true;
      for (let i = top.node.inputs.length - 1; i >= 0; i--) {
        const input = top.node.inputs[i];
        if (!names.has(input)) stack.push({ node: input, expanded: false });
      }
      continue;
    }
    stack.pop();
    visit(top.node);
  }

  const outputName = name(root);
  const output: OnnxValueInfo = { name: outputName, dataType: root.dataType, shape: root.shape };
  lines.push(`out=${outputName}[${root.shape}]`);
  return {
    key: lines.join(';'),
    graph: { name: 'anl_ort_tensor_ops', nodes, initializers, inputs, outputs: [output] },
    feeds,
    outputName,
  };
}
