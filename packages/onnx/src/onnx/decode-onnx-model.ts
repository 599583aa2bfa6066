import { AnlError } from '@anl/core';
import { fromBinary } from '@bufbuild/protobuf';
import {
  type AttributeProto,
  AttributeProto_AttributeType,
  ModelProtoSchema,
  type TensorProto,
  type ValueInfoProto,
} from './generated/onnx/onnx_pb';
import {
  ONNX_DATA_TYPES,
  type OnnxAttribute,
  type OnnxDataType,
  type OnnxModel,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-model';
import { valuesFromRawData } from './tensor-raw-data';

/**
 * Reads ModelProto bytes back into the plain objects `encodeOnnxModel` writes (the opset and IR
 * version are not part of them: read those with `fromBinary(ModelProtoSchema, bytes)`). Parts this package never writes (external data, typed value
 * fields instead of raw_data, sub-graphs, other element types) are refused with UNSUPPORTED.
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const proto = fromBinary(ModelProtoSchema, bytes);
  const graph = proto.graph;
  if (!graph) throw unsupported('the model has no graph');
  return {
    graph: {
      name: graph.name,
      nodes: graph.node.map((n) => ({
        opType: n.opType,
        inputs: [...n.input],
        outputs: [...n.output],
        ...(n.name ? { name: n.name } : {}),
        attributes: n.attribute.map(attribute),
      })),
      initializers: graph.initializer.map(tensor),
      inputs: graph.input.map(valueInfo),
      outputs: graph.output.map(valueInfo),
    },
    ...(proto.producerName ? { producerName: proto.producerName } : {}),
    ...(proto.producerVersion ? { producerVersion: proto.producerVersion } : {}),
    ...(proto.docString ? { docString: proto.docString } : {}),
  };
}

function tensor(t: TensorProto): OnnxTensor {
  const dataType = dataTypeName(t.dataType, `tensor ${t.name}`);
  if (t.externalData.length > 0 || (t.rawData.length === 0 && t.dims.every((d) => d !== 0n))) {
    throw unsupported(`tensor ${t.name} does not keep its values in raw_data`);
  }
  return { name: t.name, dataType, dims: t.dims.map(Number), values: valuesFromRawData(dataType, t.rawData) };
}

function attribute(a: AttributeProto): OnnxAttribute {
  const Type = AttributeProto_AttributeType;
  switch (a.type) {
    case Type.FLOAT:
      return { name: a.name, type: 'float', value: a.f };
    case Type.INT:
      return { name: a.name, type: 'int', value: Number(a.i) };
    case Type.STRING:
      return { name: a.name, type: 'string', value: new TextDecoder().decode(a.s) };
    case Type.TENSOR:
      if (!a.t) throw unsupported(`attribute ${a.name} has no tensor`);
      return { name: a.name, type: 'tensor', value: tensor(a.t) };
    case Type.FLOATS:
      return { name: a.name, type: 'floats', value: [...a.floats] };
    case Type.INTS:
      return { name: a.name, type: 'ints', value: a.ints.map(Number) };
    default:
      throw unsupported(`attribute ${a.name} has type ${Type[a.type]}`);
  }
}

function valueInfo(v: ValueInfoProto): OnnxValueInfo {
  const type = v.type?.value;
  if (type?.case !== 'tensorType') throw unsupported(`value ${v.name} is not a tensor`);
  return {
    name: v.name,
    dataType: dataTypeName(type.value.elemType, `value ${v.name}`),
    shape: (type.value.shape?.dim ?? []).map((d) => {
      if (d.value.case === 'dimValue') return Number(d.value.value);
      if (d.value.case === 'dimParam') return d.value.value;
      throw unsupported(`value ${v.name} has a dimension with neither a size nor a name`);
    }),
  };
}

function dataTypeName(code: number, what: string): OnnxDataType {
  const name = (Object.keys(ONNX_DATA_TYPES) as OnnxDataType[]).find((k) => ONNX_DATA_TYPES[k] === code);
  if (name === undefined) throw unsupported(`${what} has element type ${code}`);
  return name;
}

function unsupported(why: string): AnlError {
  return new AnlError('UNSUPPORTED', `cannot decode the ONNX model: ${why}`, { argument: 'bytes' });
}
