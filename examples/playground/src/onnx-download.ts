// Saves the trained model as one ONNX file through the browser's downloads. @anl/onnx (and the
// converters for the models' and noise layers) is imported on the first click, so the page's first
// load does not carry the exporter.
import { stripNoiseLayers } from '@anl/tfjs';
import type * as tf from '@tensorflow/tfjs';
import type { MethodName } from './settings';

/**
 * The same model the tfjs download ships, as ONNX ModelProto bytes (opset 17, symbolic batch): the
 * trainer's noise layers (the identity at inference) stripped; PNI's parametric noise layers kept,
 * and since they are active at inference the graph draws fresh noise there too (RandomNormalLike),
 * as the model does in tfjs.
 */
export async function onnxBytes(
  model: tf.LayersModel,
  method: MethodName,
  name: string,
): Promise<Uint8Array> {
  const [{ exportToOnnx }] = await Promise.all([import('@anl/onnx'), import('@anl/models/onnx')]);
  const shipped = method === 'pni' ? model : stripNoiseLayers(model);
  try {
    return exportToOnnx(shipped, { docString: `anl playground: ${name}` });
  } finally {
    if (shipped !== model) shipped.dispose();
  }
}

/** Exports (see `onnxBytes`) and saves `${name}.onnx`; returns the bytes saved. */
export async function downloadOnnx(
  model: tf.LayersModel,
  method: MethodName,
  name: string,
): Promise<Uint8Array> {
  const bytes = await onnxBytes(model, method, name);
  // protobuf-es encodes into a plain ArrayBuffer (never a shared one), which is what Blob takes.
  const file = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${name}.onnx`;
  link.click();
  // The click starts the download synchronously; the URL can go once the event loop moves on.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return bytes;
}
