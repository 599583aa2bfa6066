import type { OnnxDataType, OnnxTensor } from './onnx-model';

/** The values of `t` as little-endian `raw_data` bytes (the compact form onnxruntime reads fastest). */
export function tensorRawData(t: OnnxTensor): Uint8Array {
  const n = t.values.length;
  const bytes = new Uint8Array(n * BYTES_PER_ELEMENT[t.dataType]);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const v = t.values[i];
    switch (t.dataType) {
      case 'float':
        view.setFloat32(i * 4, v, true);
        break;
      case 'int32':
        view.setInt32(i * 4, v, true);
        break;
      case 'int64':
        view.setBigInt64(i * 8, BigInt(v), true);
        break;
      case 'bool':
        bytes[i] = v ? 1 : 0;
        break;
    }
  }
  return bytes;
}

/** The values stored in `raw_data` bytes: Float32Array for float, numbers for the other types. */
export function valuesFromRawData(dataType: OnnxDataType, raw: Uint8Array): Float32Array | number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.byteLength / BYTES_PER_ELEMENT[dataType];
  switch (dataType) {
    case 'float':
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
    case 'int32':
      return Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
    case 'int64':
      return Array.from({ length: n }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    case 'bool':
      return Array.from(raw);
  }
}

const BYTES_PER_ELEMENT: Record<OnnxDataType, number> = { float: 4, int32: 4, int64: 8, bool: 1 };
