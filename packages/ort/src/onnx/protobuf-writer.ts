/**
 * The few protobuf encodings an ONNX file needs (wire types 0, 2 and 5), written by hand so the
 * package needs no protobuf library. Messages nest by encoding the child first and writing it as a
 * length-delimited field.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

const textEncoder = new TextEncoder();

export class ProtobufWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private length = 0;

  /** An int32/int64/enum/bool field (varint). Negative numbers take ten bytes (two's complement). */
  varintField(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** A float field (fixed32, little-endian). */
  floatField(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.raw(bytes);
    return this;
  }

  /** A string field (UTF-8). */
  stringField(field: number, value: string): this {
    return this.bytesField(field, textEncoder.encode(value));
  }

  /** A bytes field or an embedded message already encoded. */
  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** An embedded message. */
  messageField(field: number, message: ProtobufWriter): this {
    return this.bytesField(field, message.finish());
  }

  /** A packed repeated varint field (int64s, int32s). */
  packedVarintField(field: number, values: readonly number[]): this {
    const inner = new ProtobufWriter();
    for (const v of values) inner.varint(v);
    return this.bytesField(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloatField(field: number, values: readonly number[] | Float32Array): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytesField(field, bytes);
  }

  /** The encoded bytes so far. */
  finish(): Uint8Array {
    this.flushPending();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`protobuf varint must be a safe integer, got ${value}`);
    if (value < 0) {
      let v = BigInt.asUintN(64, BigInt(value));
      while (v >= 0x80n) {
        this.pending.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.pending.push(Number(v));
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.pending.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.pending.push(v);
  }

  private raw(bytes: Uint8Array): void {
    this.flushPending();
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.length += this.pending.length;
    this.pending = [];
  }
}
