import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type ExportToOnnxOptions, exportToOnnx } from './export-to-onnx';

/**
 * Writes `exportToOnnx(model, options)` to `path` (Node). Returns the number of bytes written.
 * `node:fs` is imported when called, so the package still loads in a browser.
 */
export async function saveOnnx(
  model: LayersModel,
  path: string,
  options: ExportToOnnxOptions = {},
): Promise<number> {
  const bytes = exportToOnnx(model, options);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, bytes);
  return bytes.length;
}
