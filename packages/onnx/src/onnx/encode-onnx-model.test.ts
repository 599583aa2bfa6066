import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from './decode-onnx-model';
import { encodeOnnxModel } from './encode-onnx-model';
import { ModelProtoSchema, TensorProto_DataType } from './generated/onnx/onnx_pb';
import type { OnnxModel } from './onnx-model';

/** A model using every attribute type, every element type and both kinds of dimension. */
const model: OnnxModel = {
  producerName: 'test',
  producerVersion: '1.2.3',
  docString: 'ünïcödé',
  graph: {
    name: 'g',
    nodes: [
      {
        opType: 'Conv',
        name: 'conv',
        inputs: ['x', 'w'],
        outputs: ['y'],
        attributes: [
          { name: 'alpha', type: 'float', value: 0.25 },
          { name: 'group', type: 'int', value: -3 },
          { name: 'auto_pad', type: 'string', value: 'NOTSET' },
          { name: 'scales', type: 'floats', value: [1, -2.5] },
          { name: 'pads', type: 'ints', value: [0, 1, 2 ** 40, -1] },
          {
            name: 'value',
            type: 'tensor',
            value: { name: 't', dataType: 'int32', dims: [2], values: [-7, 2 ** 31 - 1] },
          },
        ],
      },
      { opType: 'Identity', inputs: ['y'], outputs: ['out'], attributes: [] },
    ],
    initializers: [
      { name: 'w', dataType: 'float', dims: [2, 2], values: Float32Array.of(1, -0.5, 3e-8, 65504) },
      { name: 'shape', dataType: 'int64', dims: [3], values: [-1, 0, 2 ** 40] },
      { name: 'mask', dataType: 'bool', dims: [2], values: [1, 0] },
      { name: 'scalar', dataType: 'float', dims: [], values: Float32Array.of(2) },
    ],
    inputs: [{ name: 'x', dataType: 'float', shape: ['batch', 3, 8, 8] }],
    outputs: [{ name: 'out', dataType: 'float', shape: ['batch', 2, 'dim2', 1] }],
  },
};

describe('encodeOnnxModel / decodeOnnxModel (code generated from onnx.proto)', () => {
  it('decodes back to the model it encoded', () => {
    expect(decodeOnnxModel(encodeOnnxModel(model))).toEqual(model);
  });

  it('writes IR 8 and the default domain at opset 17 (ModelProto fields 1 and 8)', () => {
    const bytes = encodeOnnxModel(model);
    // Field 1 (ir_version), wire type 0: tag 0x08, then the varint 8.
    expect(Array.from(bytes.slice(0, 2))).toEqual([0x08, 0x08]);
    const proto = fromBinary(ModelProtoSchema, bytes);
    expect(proto.irVersion).toBe(8n);
    expect(proto.opsetImport.map((o) => [o.domain, o.version])).toEqual([['', 17n]]);
  });

  it('stores tensor values as little-endian raw_data', () => {
    const graph = fromBinary(ModelProtoSchema, encodeOnnxModel(model)).graph!;
    const [w, shape, mask] = graph.initializer;
    expect(w.dataType).toBe(TensorProto_DataType.FLOAT);
    // 1.0f = 0x3f800000 and -0.5f = 0xbf000000, low byte first.
    expect(Array.from(w.rawData.slice(0, 8))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xbf]);
    expect(w.dims).toEqual([2n, 2n]);
    // int64 -1 is eight 0xff bytes.
    expect(Array.from(shape.rawData.slice(0, 8))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(mask.rawData)).toEqual([1, 0]);
  });

  it('rounds float attributes and values to float32, as the file stores them', () => {
    const m: OnnxModel = {
      graph: {
        ...model.graph,
        nodes: [
          {
            opType: 'Elu',
            inputs: ['x'],
            outputs: ['y'],
            attributes: [{ name: 'alpha', type: 'float', value: 0.1 }],
          },
        ],
        initializers: [{ name: 'c', dataType: 'float', dims: [1], values: [0.1] }],
      },
    };
    const back = decodeOnnxModel(encodeOnnxModel(m)).graph;
    expect(back.nodes[0].attributes?.[0].value).toBe(Math.fround(0.1));
    expect(back.initializers[0].values).toEqual(Float32Array.of(0.1));
  });

  it('refuses what this package does not write, naming it', () => {
    const floatData = create(ModelProtoSchema, {
      graph: { name: 'g', initializer: [{ name: 'w', dataType: 1, dims: [2n], floatData: [1, 2] }] },
    });
    expect(() => decodeOnnxModel(toBinary(ModelProtoSchema, floatData))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED', argument: 'bytes' }),
    );
    expect(() => decodeOnnxModel(toBinary(ModelProtoSchema, floatData))).toThrow(/tensor w .*raw_data/);
    const double = create(ModelProtoSchema, {
      graph: {
        name: 'g',
        initializer: [{ name: 'd', dataType: 11, dims: [1n], rawData: new Uint8Array(8) }],
      },
    });
    expect(() => decodeOnnxModel(toBinary(ModelProtoSchema, double))).toThrow(/tensor d has element type 11/);
    const noGraph = toBinary(ModelProtoSchema, create(ModelProtoSchema, {}));
    expect(() => decodeOnnxModel(noGraph)).toThrow(/no graph/);
  });

  it('refuses a fractional integer attribute instead of writing a wrong file', () => {
    const bad: OnnxModel = {
      graph: {
        ...model.graph,
        nodes: [
          {
            opType: 'Pad',
            inputs: ['x'],
            outputs: ['y'],
            attributes: [{ name: 'pads', type: 'ints', value: [1.5] }],
          },
        ],
      },
    };
    expect(() => encodeOnnxModel(bad)).toThrow(/attribute pads must hold safe integers, got 1.5/);
  });
});
