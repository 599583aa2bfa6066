import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AnlError } from '@anl/core';

/** The file saveModel writes (@anl/tfjs/node's MODEL_JSON; not imported so --help stays fast). */
const MODEL_JSON = 'model.json';

import type * as tf from '@tensorflow/tfjs';

/** Checks that `dir` holds a model saved by `anl train --save-model DIR`; NOT_FOUND says how to make one. */
export function checkModelDir(dir: string | boolean | undefined): string {
  if (dir === undefined) {
    throw new AnlError(
      'INVALID_ARGUMENT',
      '--model-dir is required (a folder written by anl train --save-model DIR)',
      {
        argument: '--model-dir',
      },
    );
  }
  if (!existsSync(join(String(dir), MODEL_JSON))) {
    throw new AnlError(
      'NOT_FOUND',
      `--model-dir ${dir}: no ${MODEL_JSON} there. Make one with: anl train --save-model ${dir}`,
      { argument: '--model-dir' },
    );
  }
  return String(dir);
}

/** Loads the model (after the backend is set up, so its weights live there). */
export async function loadSavedModel(dir: string): Promise<tf.LayersModel> {
  const { loadModel } = await import('@anl/tfjs/node');
  return loadModel(dir);
}
