import { writeFile } from 'node:fs/promises';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type ExportToOnnxOptions, exportToOnnx } from './export-to-onnx';

/** Writes `exportToOnnx(model, options)` to `path` (Node). Returns the number of bytes written. */
export async function saveOnnx(
  model: LayersModel,
  path: string,
  options: ExportToOnnxOptions = {},
): Promise<number> {
  const bytes = exportToOnnx(model, options);
  await writeFile(path, bytes);
  return bytes.length;
}
