import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from './save-load';

// A model directory may come from anywhere; loading it must read nothing outside it and must turn
// tfjs's untyped errors into AnlErrors that say what is wrong.

let root: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'anl-io-untrusted-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument });

/** Save a 2 -> 1 dense model in `root/name`, then rewrite its manifest's weights paths. */
async function modelNamingWeights(name: string, paths: string[]): Promise<string> {
  const dir = join(root, name);
  await saveModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }), dir);
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = paths;
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  return dir;
}

describe('loadModel confines weights paths to the model directory', () => {
  it('refuses ../other/weights.bin even when that file exists and would load', async () => {
    const other = join(root, 'other');
    await saveModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }), other);
    const dir = await modelNamingWeights('escapes', ['../other/weights.bin']);
    await expect(loadModel(dir)).rejects.toThrow(refused('DATA_FORMAT', 'dir'));
    await expect(loadModel(dir)).rejects.toThrow(/"\.\.\/other\/weights\.bin" outside the model's directory/);
  });

  it('refuses absolute paths and a symlink inside the directory that points outside it', async () => {
    const secret = join(root, 'secret.bin');
    await writeFile(secret, new Uint8Array(12));
    const absolute = await modelNamingWeights('absolute', [secret]);
    await expect(loadModel(absolute)).rejects.toThrow(/outside the model's directory/);

    const linked = await modelNamingWeights('linked', ['link.bin']);
    await symlink(secret, join(linked, 'link.bin'));
    await expect(loadModel(linked)).rejects.toThrow(/outside the model's directory/);
  });

  it('still loads weights in a subfolder of the model directory', async () => {
    const dir = await modelNamingWeights('nested', ['shards/weights.bin']);
    await mkdir(join(dir, 'shards'));
    await writeFile(join(dir, 'shards', 'weights.bin'), new Uint8Array(Float32Array.of(2, 3, 1).buffer));
    const model = await loadModel(dir);
    const y = model.predict(tf.tensor2d([[1, 1]])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([6]);
    tf.dispose(y);
  });
});

describe('loadModel with an unknown layer class', () => {
  it('is a typed DATA_FORMAT AnlError naming the class, not tfjs ValueError', async () => {
    const dir = join(root, 'unknown-class');
    await saveModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }), dir);
    const text = await readFile(join(dir, 'model.json'), 'utf8');
    await writeFile(
      join(dir, 'model.json'),
      text.replace('"class_name":"Dense"', '"class_name":"NoSuchLayer"'),
    );
    await expect(loadModel(dir)).rejects.toThrow(refused('DATA_FORMAT', 'dir'));
    await expect(loadModel(dir)).rejects.toThrow(/layer class "NoSuchLayer", which is not registered/);
  });
});
