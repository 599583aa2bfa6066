import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from './protobuf-writer';

const bytes = (w: ProtobufWriter) => Array.from(w.finish());

describe('ProtobufWriter (encodings from the protobuf wire-format spec, by hand)', () => {
  it('varints: 1, 150 and 2^35 on field 1', () => {
    expect(bytes(new ProtobufWriter().varintField(1, 1))).toEqual([0x08, 0x01]);
    // The spec's own example: field 1 = 150 is 08 96 01.
    expect(bytes(new ProtobufWriter().varintField(1, 150))).toEqual([0x08, 0x96, 0x01]);
    // 2^35 = 0b1 followed by 35 zeros: five groups of 7 zero bits, then 1.
    expect(bytes(new ProtobufWriter().varintField(1, 2 ** 35))).toEqual([
      0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
    ]);
  });

  it('negative int64 takes ten bytes of two’s complement', () => {
    expect(bytes(new ProtobufWriter().varintField(3, -1))).toEqual([
      0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
  });

  it('strings, floats and embedded messages are length-delimited / fixed32', () => {
    // The spec's example: field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
    expect(bytes(new ProtobufWriter().stringField(2, 'testing'))).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    // 1.0f = 0x3f800000, little-endian, wire type 5.
    expect(bytes(new ProtobufWriter().floatField(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    // The spec's example: field 3 = message { field 1 = 150 } is 1a 03 08 96 01.
    expect(bytes(new ProtobufWriter().messageField(3, new ProtobufWriter().varintField(1, 150)))).toEqual([
      0x1a, 0x03, 0x08, 0x96, 0x01,
    ]);
  });

  it('packed repeated varints and floats', () => {
    // The spec's example: field 4 = packed [3, 270, 86942] is 22 06 03 8E 02 9E A7 05.
    expect(bytes(new ProtobufWriter().packedVarintField(4, [3, 270, 86942]))).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    expect(bytes(new ProtobufWriter().packedFloatField(7, [1, -2]))).toEqual([
      0x3a, 0x08, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0,
    ]);
  });

  it('refuses non-integer varints', () => {
    expect(() => new ProtobufWriter().varintField(1, 1.5)).toThrow(RangeError);
  });
});
