// Shared by the table scripts: backend set-up, data, test error, argument checks.
import * as tf from '@tensorflow/tfjs';
import { enableWasmTraining } from '@anl/tfjs/wasm-training';
import { loadFashionMnist } from '@anl/models/node';

export const HERE = new URL('..', import.meta.url).pathname;
export const RESULTS_DIR = `${HERE}results`;
export const MODELS_DIR = `${HERE}models`;

/** The wasm backend with anl's training kernels (tfjs's stock conv weight gradients are very slow). */
export async function setUpBackend() {
  await enableWasmTraining();
  return `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`;
}

/** All 60,000 / 10,000 Fashion-MNIST images (pixels / 255); refuses to fall back to the subset. */
export async function loadFullFashionMnist(trainLimit, testLimit) {
  return loadFashionMnist({ source: 'full', trainLimit, testLimit, progress: false });
}

/** Test error (fraction) in inference mode: noise layers are the identity there. */
export function testError(model, xs, labels, batchSize = 1000) {
  let wrong = 0;
  const n = xs.shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const predicted = tf.tidy(() => tf.argMax(model.predict(xs.slice(start, size)), -1).dataSync());
    for (let i = 0; i < size; i++) if (predicted[i] !== labels[start + i]) wrong++;
  }
  return wrong / n;
}

export function fail(message) {
  console.error(`error: ${message}`);
  process.exit(2);
}

/** A finite number from a CLI string, or a clear error naming the flag. */
export function parseNumber(flag, text, { integer = false, min = -Infinity } = {}) {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value)) {
    fail(`--${flag} must be a finite number, got ${JSON.stringify(text)}`);
  }
  if (integer && !Number.isInteger(value)) fail(`--${flag} must be an integer, got ${text}`);
  if (value < min) fail(`--${flag} must be >= ${min}, got ${text}`);
  return value;
}
