// The attack side: accuracy against attack strength (a robustness curve, @anl/attacks's
// evaluateRobustness in chunks so the page stays responsive and Stop works) and a few adversarial
// examples for the gallery.
import { classifierFromLayersModel, evaluateRobustness, fgsm, pgd } from '@anl/attacks';
import type { ImageSet } from '@anl/models';
import * as tf from '@tensorflow/tfjs';
import type { AttackName } from './settings';

/** Attack strengths in input units (pixels in [0, 1]); 0.1 is 25.5 on the 0-255 scale. */
export const CURVE_EPS = [0, 0.02, 0.05, 0.1, 0.15, 0.2] as const;
/** The gallery's strength. */
export const GALLERY_EPS = 0.1;
export const PGD_STEPS = 10;
const CHUNK = 100;

export interface CurvePoint {
  eps: number;
  accuracy: number;
}

/** Accuracy at each CURVE_EPS (eps 0: clean), or null when stopped part-way. */
export async function robustnessCurve(
  model: tf.LayersModel,
  test: ImageSet,
  attack: AttackName,
  shouldStop: () => boolean,
): Promise<CurvePoint[] | null> {
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const n = test.labels.length;
  const correct = CURVE_EPS.map(() => 0);
  for (let start = 0, chunk = 0; start < n; start += CHUNK, chunk++) {
    if (shouldStop()) return null;
    const size = Math.min(CHUNK, n - start);
    const xs = test.xs.slice(start, size);
    try {
      const report = await evaluateRobustness(
        classifier,
        { xs, labels: test.labels.subarray(start, start + size) },
        { attack, epsilons: CURVE_EPS.slice(1), steps: PGD_STEPS, seed: chunk, batchSize: CHUNK },
      );
      correct[0] += report.clean.accuracy * size;
      report.rows.forEach((row, i) => {
        correct[i + 1] += row.accuracy * size;
      });
    } finally {
      xs.dispose();
    }
    await tf.nextFrame();
  }
  return CURVE_EPS.map((eps, i) => ({ eps, accuracy: correct[i] / n }));
}

export interface GalleryColumn {
  /** Adversarial images [k, 28, 28] flattened, and adversarial minus original. */
  adversarial: Float32Array;
  perturbation: Float32Array;
  cleanPrediction: Int32Array;
  adversarialPrediction: Int32Array;
}

/** The first test image of each class, attacked (white-box) against `model` at GALLERY_EPS. */
export async function galleryColumn(
  model: tf.LayersModel,
  test: ImageSet,
  indices: readonly number[],
  attack: AttackName,
): Promise<GalleryColumn> {
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const x = tf.gather(test.xs, indices);
  const labels = Int32Array.from(indices, (i) => test.labels[i]);
  const adv =
    attack === 'fgsm'
      ? fgsm(classifier, x, { eps: GALLERY_EPS, labels })
      : pgd(classifier, x, {
          eps: GALLERY_EPS,
          steps: PGD_STEPS,
          stepSize: (2.5 * GALLERY_EPS) / PGD_STEPS,
          labels,
        });
  const [delta, cleanPred, advPred] = tf.tidy(() => [
    tf.sub(adv, x),
    classifier.predict(x),
    classifier.predict(adv),
  ]);
  try {
    return {
      adversarial: (await adv.data()) as Float32Array,
      perturbation: (await delta.data()) as Float32Array,
      cleanPrediction: Int32Array.from(await cleanPred.data()),
      adversarialPrediction: Int32Array.from(await advPred.data()),
    };
  } finally {
    tf.dispose([x, adv, delta, cleanPred, advPred]);
  }
}

/** Index of the first test image of each class, in class order. */
export function firstOfEachClass(labels: Int32Array, numClasses = 10): number[] {
  const found: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const i = labels.indexOf(c);
    if (i >= 0) found.push(i);
  }
  return found;
}
