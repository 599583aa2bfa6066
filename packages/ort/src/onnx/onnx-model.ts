/**
 * A plain-object view of the parts of ONNX (onnx.proto3) this package writes, and their encoder.
 * Field numbers are those of onnx.proto3; the IR version matches the opset (IR 8 for opset 17).
 */
import { ProtobufWriter } from './protobuf-writer';

/** Element types used here, with their TensorProto.DataType numbers. */
export const ONNX_DATA_TYPES = { float: 1, int32: 6, int64: 7, bool: 9 } as const;
export type OnnxDataType = keyof typeof ONNX_DATA_TYPES;

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface OnnxTensor {
  readonly name: string;
  readonly dataType: OnnxDataType;
  readonly dims: readonly number[];
  /** Row-major values: Float32Array for float, numbers for int32/int64, 0/1 for bool. */
  readonly values: Float32Array | readonly number[];
}

export type OnnxAttribute =
  | { readonly name: string; readonly type: 'float'; readonly value: number }
  | { readonly name: string; readonly type: 'int'; readonly value: number }
  | { readonly name: string; readonly type: 'string'; readonly value: string }
  | { readonly name: string; readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly name: string; readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly name: string; readonly type: 'tensor'; readonly value: OnnxTensor };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: readonly OnnxAttribute[];
}

/** A graph input or output: name, element type and shape (a string dim is symbolic, e.g. 'batch'). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dataType: OnnxDataType;
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly graph: OnnxGraph;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
}

const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

/** ModelProto bytes of `model`. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtobufWriter();
  w.varintField(1, ONNX_IR_VERSION);
  if (model.producerName) w.stringField(2, model.producerName);
  if (model.producerVersion) w.stringField(3, model.producerVersion);
  if (model.docString) w.stringField(6, model.docString);
  w.messageField(7, encodeGraph(model.graph));
  // opset_import: the default domain ('') at ONNX_OPSET.
  w.messageField(8, new ProtobufWriter().stringField(1, '').varintField(2, ONNX_OPSET));
  return w.finish();
}

function encodeGraph(graph: OnnxGraph): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const node of graph.nodes) w.messageField(1, encodeNode(node));
  w.stringField(2, graph.name);
  for (const t of graph.initializers) w.messageField(5, encodeTensor(t));
  for (const v of graph.inputs) w.messageField(11, encodeValueInfo(v));
  for (const v of graph.outputs) w.messageField(12, encodeValueInfo(v));
  return w;
}

function encodeNode(node: OnnxNode): ProtobufWriter {
  const w = new ProtobufWriter();
  for (const i of node.inputs) w.stringField(1, i);
  for (const o of node.outputs) w.stringField(2, o);
  if (node.name) w.stringField(3, node.name);
  w.stringField(4, node.opType);
  for (const a of node.attributes ?? []) w.messageField(5, encodeAttribute(a));
  return w;
}

function encodeAttribute(a: OnnxAttribute): ProtobufWriter {
  const w = new ProtobufWriter();
  w.stringField(1, a.name);
  switch (a.type) {
    case 'float':
      w.floatField(2, a.value);
      break;
    case 'int':
      w.varintField(3, a.value);
      break;
    case 'string':
      w.stringField(4, a.value);
      break;
    case 'tensor':
      w.messageField(5, encodeTensor(a.value));
      break;
    case 'floats':
      w.packedFloatField(7, a.value);
      break;
    case 'ints':
      w.packedVarintField(8, a.value);
      break;
  }
  w.varintField(20, ATTRIBUTE_TYPES[a.type]);
  return w;
}

/** TensorProto with the values as little-endian raw_data (the compact form ORT reads fastest). */
export function encodeTensor(t: OnnxTensor): ProtobufWriter {
  const w = new ProtobufWriter();
  if (t.dims.length > 0) w.packedVarintField(1, t.dims);
  w.varintField(2, ONNX_DATA_TYPES[t.dataType]);
  w.stringField(8, t.name);
  w.bytesField(9, rawData(t));
  return w;
}

function rawData(t: OnnxTensor): Uint8Array {
  const n = t.values.length;
  let bytes: Uint8Array;
  switch (t.dataType) {
    case 'float': {
      bytes = new Uint8Array(n * 4);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < n; i++) view.setFloat32(i * 4, t.values[i], true);
      break;
    }
    case 'int32': {
      bytes = new Uint8Array(n * 4);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < n; i++) view.setInt32(i * 4, t.values[i], true);
      break;
    }
    case 'int64': {
      bytes = new Uint8Array(n * 8);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < n; i++) view.setBigInt64(i * 8, BigInt(t.values[i]), true);
      break;
    }
    case 'bool':
      bytes = Uint8Array.from(t.values as ArrayLike<number>, (v) => (v ? 1 : 0));
      break;
  }
  return bytes;
}

function encodeValueInfo(v: OnnxValueInfo): ProtobufWriter {
  const shape = new ProtobufWriter();
  for (const d of v.shape) {
    const dim = new ProtobufWriter();
    if (typeof d === 'number') dim.varintField(1, d);
    else dim.stringField(2, d);
    shape.messageField(1, dim);
  }
  const tensorType = new ProtobufWriter().varintField(1, ONNX_DATA_TYPES[v.dataType]).messageField(2, shape);
  const type = new ProtobufWriter().messageField(1, tensorType);
  return new ProtobufWriter().stringField(1, v.name).messageField(2, type);
}
