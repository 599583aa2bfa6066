import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type ExportToOnnxOptions, exportToOnnx } from './export-to-onnx';

/**
 * Writes `exportToOnnx(model, options)` to `path` (Node). Returns the number of bytes written.
 * `node:fs` is imported when called, so the package still loads (and bundles) for a browser.
 */
export async function saveOnnx(
  model: LayersModel,
  path: string,
  options: ExportToOnnxOptions = {},
): Promise<number> {
  const bytes = exportToOnnx(model, options);
  // A specifier held in a variable: browser bundlers (Vite, webpack) then leave it alone instead of
  // shimming node:fs into the page's bundle with a warning.
  const nodeFs = 'node:fs/promises';
  const { writeFile } = (await import(/* @vite-ignore */ nodeFs)) as typeof import('node:fs/promises');
  await writeFile(path, bytes);
  return bytes.length;
}
