/**
 * A plain-object view of the parts of ONNX this package writes. `encodeOnnxModel` turns it into
 * ModelProto bytes through the code generated from the official onnx.proto, and `decodeOnnxModel`
 * reads such bytes back. The IR version matches the opset (IR 8 for opset 17).
 */

import { TensorProto_DataType } from './generated/onnx/onnx_pb';

/** Element types used here, with their TensorProto.DataType numbers. */
export const ONNX_DATA_TYPES = {
  float: TensorProto_DataType.FLOAT,
  int32: TensorProto_DataType.INT32,
  int64: TensorProto_DataType.INT64,
  bool: TensorProto_DataType.BOOL,
} as const;
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
