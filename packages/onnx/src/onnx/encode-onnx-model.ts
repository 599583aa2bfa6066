import { create, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  type AttributeProtoSchema,
  ModelProtoSchema,
  type TensorProtoSchema,
  type ValueInfoProtoSchema,
} from './generated/onnx/onnx_pb';
import {
  ONNX_DATA_TYPES,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-model';
import { tensorRawData } from './tensor-raw-data';

/** ModelProto bytes of `model` (IR 8, the default domain at opset 17). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const { graph } = model;
  const proto = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    ...(model.producerName ? { producerName: model.producerName } : {}),
    ...(model.producerVersion ? { producerVersion: model.producerVersion } : {}),
    ...(model.docString ? { docString: model.docString } : {}),
    opsetImport: [{ domain: '', version: BigInt(ONNX_OPSET) }],
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        input: [...n.inputs],
        output: [...n.outputs],
        ...(n.name ? { name: n.name } : {}),
        opType: n.opType,
        attribute: (n.attributes ?? []).map(attributeProto),
      })),
      initializer: graph.initializers.map(tensorProto),
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
    },
  });
  return toBinary(ModelProtoSchema, proto);
}

/** TensorProto with its values as `raw_data`. */
export function tensorProto(t: OnnxTensor): MessageInitShape<typeof TensorProtoSchema> {
  return {
    dims: t.dims.map((d) => BigInt(d)),
    dataType: ONNX_DATA_TYPES[t.dataType],
    name: t.name,
    rawData: tensorRawData(t),
  };
}

function attributeProto(a: OnnxAttribute): MessageInitShape<typeof AttributeProtoSchema> {
  const Type = AttributeProto_AttributeType;
  switch (a.type) {
    case 'float':
      return { name: a.name, type: Type.FLOAT, f: a.value };
    case 'int':
      return { name: a.name, type: Type.INT, i: bigint(a.value, a.name) };
    case 'string':
      return { name: a.name, type: Type.STRING, s: new TextEncoder().encode(a.value) };
    case 'tensor':
      return { name: a.name, type: Type.TENSOR, t: tensorProto(a.value) };
    case 'floats':
      return { name: a.name, type: Type.FLOATS, floats: [...a.value] };
    case 'ints':
      return { name: a.name, type: Type.INTS, ints: a.value.map((v) => bigint(v, a.name)) };
  }
}

function valueInfoProto(v: OnnxValueInfo): MessageInitShape<typeof ValueInfoProtoSchema> {
  return {
    name: v.name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: ONNX_DATA_TYPES[v.dataType],
          shape: {
            dim: v.shape.map((d) => ({
              value:
                typeof d === 'number'
                  ? { case: 'dimValue' as const, value: BigInt(d) }
                  : { case: 'dimParam' as const, value: d },
            })),
          },
        },
      },
    },
  };
}

/** An int64 field value; a fractional number is a bug in the converter that made it. */
function bigint(value: number, attribute: string): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`ONNX attribute ${attribute} must hold safe integers, got ${value}`);
  }
  return BigInt(value);
}
