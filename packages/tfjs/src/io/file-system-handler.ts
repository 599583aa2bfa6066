import { mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AnlError, invalidArgument } from '@anl/core';
import { io } from '@tensorflow/tfjs-core';

/** Names tfjs-node uses, so a directory written here loads there and back. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** `dir` as an absolute path; accepts a `file://` prefix like tfjs-node's handler. */
export function resolveModelDir(dir: unknown): string {
  if (typeof dir !== 'string' || dir.length === 0) invalidArgument('dir', 'a non-empty directory path', dir);
  let path = dir.startsWith('file://') ? dir.slice('file://'.length) : dir;
  // tf.loadLayersModel('file://dir/model.json') names the file; the handler wants its directory.
  if (path.endsWith(`/${MODEL_JSON}`) || path === MODEL_JSON) path = path.slice(0, -MODEL_JSON.length) || '.';
  if (path.length === 0) invalidArgument('dir', 'a non-empty directory path', dir);
  return resolve(path);
}

/**
 * A `tf.io.IOHandler` that saves a model as `dir/model.json` + `dir/weights.bin` (the layout of
 * tfjs-node's `file://` handler) and loads it back. Pure `@tensorflow/tfjs` has no file handler in
 * Node; this one needs nothing but `node:fs`. Files are written under temporary names and renamed,
 * so an interrupted save never leaves a half-written model.json next to old weights.
 */
export function fileSystemHandler(dir: string): io.IOHandler {
  const root = resolveModelDir(dir);
  return {
    save: (artifacts) => saveArtifacts(root, artifacts),
    load: () => loadArtifacts(root),
  };
}

async function saveArtifacts(root: string, artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new AnlError('UNSUPPORTED', 'fileSystemHandler saves JSON model topologies only (layers models)', {
      argument: 'artifacts.modelTopology',
    });
  }
  const weights =
    artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: io.ModelJSON = {
    modelTopology: artifacts.modelTopology as NonNullable<io.ModelJSON['modelTopology']>,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature !== undefined) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata !== undefined)
    modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer !== undefined) modelJson.modelInitializer = artifacts.modelInitializer;

  await mkdir(root, { recursive: true });
  const jsonPath = join(root, MODEL_JSON);
  const binPath = join(root, WEIGHTS_BIN);
  await writeFile(`${binPath}.tmp`, new Uint8Array(weights));
  await writeFile(`${jsonPath}.tmp`, JSON.stringify(modelJson));
  await rename(`${binPath}.tmp`, binPath);
  await rename(`${jsonPath}.tmp`, jsonPath);
  return { modelArtifactsInfo: io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights }) };
}

async function loadArtifacts(root: string): Promise<io.ModelArtifacts> {
  const dirStat = await stat(root).catch(() => null);
  if (dirStat === null || !dirStat.isDirectory()) {
    throw new AnlError('NOT_FOUND', `dir: no model directory at ${root}`, { argument: 'dir' });
  }
  const jsonPath = join(root, MODEL_JSON);
  const text = await readFile(jsonPath, 'utf8').catch(() => {
    throw new AnlError('NOT_FOUND', `dir: no ${MODEL_JSON} in ${root}`, { argument: 'dir' });
  });
  let modelJson: io.ModelJSON;
  try {
    modelJson = JSON.parse(text) as io.ModelJSON;
  } catch (cause) {
    throw new AnlError('DATA_FORMAT', `${jsonPath} is not valid JSON`, { argument: 'dir', cause });
  }
  if (modelJson === null || typeof modelJson !== 'object' || modelJson.modelTopology == null) {
    throw new AnlError('DATA_FORMAT', `${jsonPath} has no modelTopology: not a tfjs model.json`, {
      argument: 'dir',
    });
  }
  return io.getModelArtifactsForJSON(modelJson, (manifest) => readWeights(root, manifest));
}

async function readWeights(
  root: string,
  manifest: io.WeightsManifestConfig,
): Promise<[io.WeightsManifestEntry[], ArrayBuffer]> {
  // A model.json from elsewhere must not make us read files outside its own directory: every path
  // is checked before anything is read (lexically, then again after symlinks are resolved).
  const files = manifest.flatMap((group) => group.paths.map((path) => weightsFileInside(root, path)));
  const realRoot = await realpath(root);
  const buffers: ArrayBuffer[] = [];
  for (const file of files) {
    const real = await realpath(file).catch(() => null); // missing: reported as NOT_FOUND below
    if (real !== null && !isInside(realRoot, real)) throw outsideModelDir(root, file);
    const bytes = await readFile(file).catch(() => {
      throw new AnlError('NOT_FOUND', `dir: weights file ${file} named in ${MODEL_JSON} is missing`, {
        argument: 'dir',
      });
    });
    buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  const specs = io.getWeightSpecs(manifest);
  const data = io.concatenateArrayBuffers(buffers);
  const expected = expectedBytes(specs);
  if (expected !== null && expected !== data.byteLength) {
    throw new AnlError(
      'DATA_FORMAT',
      `dir: the weights in ${root} hold ${data.byteLength} bytes, but ${MODEL_JSON} describes ${expected}`,
      { argument: 'dir' },
    );
  }
  return [specs, data];
}

/** `root/path`, or a DATA_FORMAT AnlError when the manifest's path leaves the model's directory. */
function weightsFileInside(root: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new AnlError('DATA_FORMAT', `dir: ${MODEL_JSON} in ${root} names a weights path ${String(path)}`, {
      argument: 'dir',
    });
  }
  const file = resolve(root, path);
  if (!isInside(root, file)) throw outsideModelDir(root, path);
  return file;
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel.length > 0 && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function outsideModelDir(root: string, path: string): AnlError {
  return new AnlError(
    'DATA_FORMAT',
    `dir: ${MODEL_JSON} in ${root} names weights file ${JSON.stringify(path)} outside the model's directory; only files inside it are read`,
    { argument: 'dir' },
  );
}

/** Bytes the specs describe, or null when quantised or of a dtype we do not size (tfjs checks those). */
function expectedBytes(specs: io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const per = BYTES_PER_ELEMENT[spec.dtype];
    if (spec.quantization !== undefined || per === undefined) return null;
    total += spec.shape.reduce((p, d) => p * d, 1) * per;
  }
  return total;
}
