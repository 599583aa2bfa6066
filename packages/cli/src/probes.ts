// What the report's paper figures need, measured on a trained (or training) model:
// activation std per noise layer (ANL Fig. 2), first-layer feature maps through a sigmoid (Fig. 3) and
// the per-class cosine similarity of the loss gradients at the first noise layer (Eq. 5, Table 1).
import { findNoiseLayers, withNoiseInjector } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';

type LayersModel = tf.LayersModel;

/** A model sharing `model`'s layers whose outputs are the given layers' outputs. */
function tapModel(model: LayersModel, layers: tf.layers.Layer[]): LayersModel {
  return tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tf.SymbolicTensor) });
}

/** Names of the noise layers (in model order); their outputs are h_t (noise is off at inference). */
export function noiseLayerNames(model: LayersModel): string[] {
  return findNoiseLayers(model).map((l) => l.name);
}

/**
 * Standard deviation of every noise layer's activations h_t over all elements of `probe` (a fixed
 * batch of test images), in inference mode. Returns one number per noise layer, in model order.
 */
export async function activationStds(model: LayersModel, probe: tf.Tensor): Promise<number[]> {
  const layers = findNoiseLayers(model);
  if (layers.length === 0) return [];
  const tap = tapModel(model, layers);
  // Read asynchronously: the webgpu backend in Node has no synchronous reads.
  const variances = tf.tidy(() => {
    const out = tap.predict(probe);
    const list = Array.isArray(out) ? out : [out];
    return tf.stack(list.map((h) => tf.moments(h).variance));
  });
  const values = await variances.data();
  variances.dispose();
  return Array.from(values, (v) => Math.sqrt(v));
}

export interface FeatureMaps {
  layer: string;
  /** The input image [h][w] (first channel), values in [0, 1]. */
  image: number[][];
  label: number;
  /** sigmoid(first conv output) per channel: [channel][h][w], rounded to 3 decimals. */
  maps: number[][][];
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Fig. 3: the first convolution's output for one image through a sigmoid (at most `maxChannels`). */
export async function firstLayerFeatureMaps(
  model: LayersModel,
  image: tf.Tensor,
  label: number,
  maxChannels = 8,
): Promise<FeatureMaps | undefined> {
  const conv = model.layers.find((l) => l.getClassName() === 'Conv2D');
  if (conv === undefined) return undefined;
  const tap = tapModel(model, [conv]);
  const activated = tf.tidy(() => tf.sigmoid(tap.predict(image) as tf.Tensor4D));
  const out = (await activated.array()) as number[][][][];
  activated.dispose();
  const [, , , channels] = (tap.outputs[0].shape as number[]).map((d) => d ?? 0);
  const maps: number[][][] = [];
  for (let c = 0; c < Math.min(channels, maxChannels); c++) {
    maps.push(out[0].map((row) => row.map((px) => round3(px[c]))));
  }
  const img = ((await image.array()) as number[][][][])[0].map((row) => row.map((px) => round3(px[0])));
  return { layer: conv.name, image: img, label, maps };
}

export interface GradientSimilarity {
  /** The noise layer whose input gradient g_t was taken. */
  layer: string;
  samplesPerClass: number;
  /** matrix[a][b]: mean cosine similarity (Eq. 5) of g_t over pairs of samples from classes a and b (i ≠ j). */
  matrix: number[][];
}

/**
 * Eq. 5 per class pair: g_i = ∂ loss_i / ∂ h_t at the first noise layer for each probe sample, the
 * cosine similarity of every pair, averaged per (class a, class b) block without the diagonal. The
 * paper first scales the gradients by the maximum norm; the cosine does not change under that.
 * The gradient is taken by adding a zero tensor at the noise layer (its injector hook), so the model
 * runs in training mode for this pass: exact for models without BatchNorm or dropout (LeNet-5).
 */
export async function gradientSimilarity(
  model: LayersModel,
  xs: tf.Tensor,
  labels: Int32Array,
  numClasses: number,
): Promise<GradientSimilarity | undefined> {
  const noise = findNoiseLayers(model);
  if (noise.length === 0) return undefined;
  const target = noise[0];
  const n = labels.length;
  const shape = [n, ...(target.outputShape as number[]).slice(1)];
  const unit = tf.tidy(() => {
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
    const eta = tf.zeros(shape);
    const lossOf = (e: tf.Tensor) =>
      withNoiseInjector({ inject: (name, h) => (name === target.name ? tf.add(h, e) : h) }, () => {
        const p = model.apply(xs, { training: true }) as tf.Tensor2D;
        return tf.neg(tf.sum(tf.mul(y, tf.log(tf.maximum(p, 1e-30))))) as tf.Scalar;
      });
    const g = tf.reshape(tf.grad(lossOf)(eta), [n, -1]);
    const norms = tf.maximum(tf.norm(g, 2, 1, true), 1e-30);
    return tf.div(g, norms);
  });
  const product = tf.tidy(() => tf.matMul(unit, unit, false, true));
  unit.dispose();
  const sims = (await product.array()) as number[][];
  product.dispose();
  const sum = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const count = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      sum[labels[i]][labels[j]] += sims[i][j];
      count[labels[i]][labels[j]] += 1;
    }
  }
  const matrix = sum.map((row, a) =>
    row.map((s, b) => (count[a][b] > 0 ? round3(s / count[a][b]) : Number.NaN)),
  );
  const perClass = Math.min(
    ...Array.from({ length: numClasses }, (_, c) => labels.filter((l) => l === c).length),
  );
  return { layer: target.name, samplesPerClass: perClass, matrix };
}

/** The first `perClass` indices of every class in `labels` (a class-balanced probe set). */
export function balancedIndices(labels: Int32Array, numClasses: number, perClass: number): number[] {
  const taken = new Array<number>(numClasses).fill(0);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (taken[labels[i]] < perClass) {
      taken[labels[i]] += 1;
      out.push(i);
    }
  }
  return out;
}
