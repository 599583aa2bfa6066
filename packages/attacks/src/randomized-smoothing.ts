import { AnlError, createRng, invalidArgument, type Rng } from '@anl/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchTransform } from './adversarial-training';
import type { Classifier } from './classifier';
import { binomialTestHalf, clopperPearsonLower, normalQuantile } from './statistics';

/** The class index smoothPredict and certify return when they abstain. */
export const ABSTAIN = -1;

/** Progress of a sampling run: after each batch of noisy copies. */
export interface SmoothingProgress {
  /** Index of the example being sampled (0-based) and the number of examples. */
  example: number;
  examples: number;
  /** Noisy copies classified so far, over all examples, and the total the run will classify. */
  samples: number;
  totalSamples: number;
}

export interface SmoothingSamplingOptions {
  /** Standard deviation of the Gaussian noise, in input units (> 0). */
  sigma: number;
  /** Noisy copies classified per call of `classifier.predict` (default 1000). */
  batchSize?: number;
  /** Seed of the noise (default 0): the same seed gives the same answers. */
  seed?: number;
  /** Called after every batch; long certifications (n = 100,000 per example) report here. */
  onProgress?: (progress: SmoothingProgress) => void;
}

export interface SmoothPredictOptions extends SmoothingSamplingOptions {
  /** Noisy copies per example. */
  n: number;
  /** Probability of returning a class other than the smoothed classifier's, at most (in (0, 1)). */
  alpha: number;
}

export interface CertifyOptions extends SmoothingSamplingOptions {
  /** Copies used to guess the top class. */
  n0: number;
  /** Copies used to bound its probability (n0 <= n). */
  n: number;
  /** The certificate fails with probability at most alpha (in (0, 1)). */
  alpha: number;
}

export interface SmoothPrediction {
  /** The smoothed classifier's class, or ABSTAIN (-1). */
  prediction: number;
  /** How often each class was predicted under noise (length numClasses). */
  counts: number[];
}

export interface Certificate {
  /** The certified class, or ABSTAIN (-1) when the lower bound on its probability is below 1/2. */
  prediction: number;
  /** Certified L2 radius σ·Φ⁻¹(pALower); 0 when abstaining. */
  radius: number;
  /** One-sided (1 − alpha) Clopper–Pearson lower bound on the top class's probability under noise. */
  pALower: number;
  /** Counts of the n copies (the n0 copies only choose the class). */
  counts: number[];
}

interface Sampling {
  sigma: number;
  batchSize: number;
  rng: Rng;
  onProgress?: (progress: SmoothingProgress) => void;
}

function positiveInteger(value: unknown, argument: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1)
    invalidArgument(argument, 'an integer >= 1', value);
  return value as number;
}

function checkProbability(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    invalidArgument(argument, 'a number in (0, 1)', value);
  }
  return value;
}

function checkSampling(classifier: Classifier, x: unknown, options: SmoothingSamplingOptions): Sampling {
  if (
    classifier == null ||
    typeof classifier.predict !== 'function' ||
    !Number.isInteger(classifier.numClasses)
  ) {
    invalidArgument('classifier', 'a Classifier (predict, numClasses)', classifier);
  }
  if (!(x instanceof tf.Tensor) || x.rank < 2 || x.dtype !== 'float32') {
    invalidArgument('x', 'a float32 tfjs Tensor of shape [B, ...]', x);
  }
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { sigma } = options;
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    invalidArgument('options.sigma', 'a finite number > 0', sigma);
  }
  const batchSize = positiveInteger(options.batchSize ?? 1000, 'options.batchSize');
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) invalidArgument('options.seed', 'a safe integer', seed);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    invalidArgument('options.onProgress', 'a function', options.onProgress);
  }
  return { sigma, batchSize, rng: createRng(seed), onProgress: options.onProgress };
}

/** Class counts of `num` noisy copies x + N(0, σ²) of one example [1, ...], `batchSize` at a time. */
async function sampleCounts(
  classifier: Classifier,
  example: Tensor,
  num: number,
  sampling: Sampling,
  report: (done: number) => void,
): Promise<number[]> {
  const counts = new Array<number>(classifier.numClasses).fill(0);
  for (let done = 0; done < num; ) {
    const size = Math.min(sampling.batchSize, num - done);
    const seed = sampling.rng.nextUint32();
    const predicted = tf.tidy(() => {
      const copies = tf.tile(example, [size, ...example.shape.slice(1).map(() => 1)]);
      return classifier.predict(
        tf.add(copies, tf.randomNormal(copies.shape, 0, sampling.sigma, 'float32', seed)),
      );
    });
    const classes = await predicted.data();
    predicted.dispose();
    for (const c of classes) {
      if (!(c >= 0 && c < counts.length)) {
        throw new AnlError(
          'INVALID_LABELS',
          `classifier.predict returned class ${c}, outside [0, ${counts.length})`,
        );
      }
      counts[c]++;
    }
    done += size;
    report(size);
  }
  return counts;
}

/** Runs `perExample` on each row of x with a progress counter over `perExampleSamples` copies each. */
async function forEachExample<R>(
  x: Tensor,
  sampling: Sampling,
  perExampleSamples: number,
  perExample: (example: Tensor, report: (done: number) => void) => Promise<R>,
): Promise<R[]> {
  const examples = x.shape[0];
  const totalSamples = examples * perExampleSamples;
  let samples = 0;
  const results: R[] = [];
  for (let i = 0; i < examples; i++) {
    const example = tf.slice(x, i, 1);
    try {
      results.push(
        await perExample(example, (done) => {
          samples += done;
          sampling.onProgress?.({ example: i, examples, samples, totalSamples });
        }),
      );
    } finally {
      example.dispose();
    }
  }
  return results;
}

function topTwo(counts: number[]): [number, number] {
  let first = 0;
  let second = counts.length > 1 ? 1 : 0;
  if (counts[second] > counts[first]) [first, second] = [second, first];
  for (let c = 2; c < counts.length; c++) {
    if (counts[c] > counts[first]) {
      second = first;
      first = c;
    } else if (counts[c] > counts[second]) second = c;
  }
  return [first, second];
}

/**
 * Cohen, Rosenfeld & Kolter's PREDICT for each example of x [B, ...]: classify n copies under
 * N(0, σ²) noise; return the top class if the binomial test of its count against the runner-up's
 * rejects "equally likely" at level alpha, else ABSTAIN. Returns a wrong (non-abstaining) class with
 * probability at most alpha.
 */
export async function smoothPredict(
  classifier: Classifier,
  x: Tensor,
  options: SmoothPredictOptions,
): Promise<SmoothPrediction[]> {
  const sampling = checkSampling(classifier, x, options);
  const n = positiveInteger(options.n, 'options.n');
  const alpha = checkProbability(options.alpha, 'options.alpha');
  return forEachExample(x, sampling, n, async (example, report) => {
    const counts = await sampleCounts(classifier, example, n, sampling, report);
    const [a, b] = topTwo(counts);
    const significant = binomialTestHalf(counts[a], counts[a] + counts[b]) <= alpha;
    return { prediction: significant ? a : ABSTAIN, counts };
  });
}

/**
 * Cohen, Rosenfeld & Kolter's CERTIFY for each example of x [B, ...]: guess the top class from n0
 * noisy copies, bound its probability from n fresh copies with a one-sided Clopper–Pearson bound
 * pALower at level alpha; certify the L2 radius σ·Φ⁻¹(pALower), or ABSTAIN when pALower < 1/2.
 */
export async function certify(
  classifier: Classifier,
  x: Tensor,
  options: CertifyOptions,
): Promise<Certificate[]> {
  const sampling = checkSampling(classifier, x, options);
  const n0 = positiveInteger(options.n0, 'options.n0');
  const n = positiveInteger(options.n, 'options.n');
  if (n0 > n) invalidArgument('options.n0', `an integer <= options.n (${n})`, n0);
  const alpha = checkProbability(options.alpha, 'options.alpha');
  return forEachExample(x, sampling, n0 + n, async (example, report) => {
    const [guess] = topTwo(await sampleCounts(classifier, example, n0, sampling, report));
    const counts = await sampleCounts(classifier, example, n, sampling, report);
    const pALower = clopperPearsonLower(counts[guess], n, alpha);
    if (pALower < 0.5) return { prediction: ABSTAIN, radius: 0, pALower, counts };
    return { prediction: guess, radius: options.sigma * normalQuantile(pALower), pALower, counts };
  });
}

/** One point of the certified-accuracy curve. */
export interface CertifiedAccuracyPoint {
  radius: number;
  /** Fraction of examples certified correct with a radius of at least `radius`. */
  accuracy: number;
}

/**
 * Certified accuracy against radius (Cohen et al.'s curves, as data): for each radius r, the fraction
 * of examples whose certified class is the true label and whose radius is >= r. Abstentions count as
 * wrong.
 */
export function certifiedAccuracy(
  certificates: readonly Certificate[],
  labels: ArrayLike<number>,
  radii: readonly number[],
): CertifiedAccuracyPoint[] {
  if (!Array.isArray(certificates) || certificates.length === 0) {
    invalidArgument('certificates', 'a non-empty array of certify results', certificates);
  }
  if (labels == null || labels.length !== certificates.length) {
    invalidArgument('labels', `${certificates.length} class indices, one per certificate`, labels);
  }
  if (!Array.isArray(radii) || radii.some((r) => typeof r !== 'number' || !(r >= 0))) {
    invalidArgument('radii', 'an array of numbers >= 0', radii);
  }
  return radii.map((radius) => {
    let correct = 0;
    certificates.forEach((c, i) => {
      if (c.prediction !== ABSTAIN && c.prediction === labels[i] && c.radius >= radius) correct++;
    });
    return { radius, accuracy: correct / certificates.length };
  });
}

export interface GaussianAugmentationOptions {
  /** Standard deviation of the training noise (train with the σ you will certify with). */
  sigma: number;
  /** Seed; batch k uses a stream split from it, so runs repeat exactly (default 0). */
  seed?: number;
}

/**
 * Training for randomised smoothing (Cohen et al.): every batch is replaced by a noisy copy
 * x + N(0, σ²) (no clipping: the smoothed classifier sees unclipped noise). Pass as `batchTransform`
 * to `trainWithNoise` (@anl/tfjs).
 */
export function gaussianAugmentation(options: GaussianAugmentationOptions): BatchTransform {
  if (options == null || typeof options !== 'object') invalidArgument('options', 'an object', options);
  const { sigma } = options;
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    invalidArgument('options.sigma', 'a finite number > 0', sigma);
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) invalidArgument('options.seed', 'a safe integer', seed);
  const rng = createRng(seed);
  return (batch) => {
    if (batch == null || !(batch.xs instanceof tf.Tensor) || !(batch.ys instanceof tf.Tensor)) {
      invalidArgument('batch', 'an object { xs, ys } of tfjs tensors', batch);
    }
    const noiseSeed = rng.nextUint32();
    return tf.tidy(() => ({
      xs: tf.add(batch.xs, tf.randomNormal(batch.xs.shape, 0, sigma, 'float32', noiseSeed)),
      ys: tf.clone(batch.ys),
    }));
  };
}
