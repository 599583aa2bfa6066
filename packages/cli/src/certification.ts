// Randomised smoothing in the CLI: `--certify sigma,n0,n,alpha` runs Cohen et al.'s CERTIFY on the
// first test images and records, per image, the radius at which it is certified correct, so the report
// can draw certified accuracy against radius (and average it over seeds) at any radius.
import { refuse } from './args';

/** Test images `--certify` runs on when `--certify-limit` is not given. */
export const DEFAULT_CERTIFY_LIMIT = 200;

export interface CertifySettings {
  /** Noise std of the smoothed classifier (train with --gaussian-augmentation at the same sigma). */
  sigma: number;
  /** Copies that choose the class, and copies that bound its probability. */
  n0: number;
  n: number;
  /** The certificate fails with probability at most alpha. */
  alpha: number;
}

/** What a cell records; `correctRadii[i]` is image i's certified radius when certified correct, else -1. */
export interface CertificationResult extends CertifySettings {
  images: number;
  abstained: number;
  correctRadii: number[];
  seconds: number;
}

/** `sigma,n0,n,alpha`, e.g. `0.5,100,1000,0.001`: sigma > 0, integers 1 <= n0 <= n, alpha in (0, 1). */
export function parseCertifySettings(text: string): CertifySettings {
  const expected =
    'sigma,n0,n,alpha with sigma > 0, integers 1 <= n0 <= n and alpha in (0, 1), e.g. 0.5,100,1000,0.001';
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || text.split(',').some((p) => p.trim() === '')) refuse('certify', expected, text);
  const [sigma, n0, n, alpha] = parts;
  const ok =
    Number.isFinite(sigma) &&
    sigma > 0 &&
    Number.isInteger(n0) &&
    Number.isInteger(n) &&
    n0 >= 1 &&
    n0 <= n &&
    alpha > 0 &&
    alpha < 1;
  if (!ok) refuse('certify', expected, text);
  return { sigma, n0, n, alpha };
}

/** Fraction of images certified correct with a radius of at least r, for each r (abstentions are wrong). */
export function certifiedAccuracyAt(correctRadii: readonly number[], radii: readonly number[]): number[] {
  return radii.map((r) => correctRadii.filter((c) => c >= 0 && c >= r).length / correctRadii.length);
}

/**
 * Runs CERTIFY (@anl/attacks) with the model in inference mode on `xs` (pixels in [0, 1]) and
 * records each image's certified-correct radius.
 */
export async function runCertification(
  model: import('@tensorflow/tfjs').LayersModel,
  xs: import('@tensorflow/tfjs').Tensor,
  labels: ArrayLike<number>,
  settings: CertifySettings,
  seed: number,
  onProgress?: (done: number, total: number) => void,
): Promise<CertificationResult> {
  const { ABSTAIN, certify, classifierFromLayersModel } = await import('@anl/attacks');
  const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
  const started = Date.now();
  const certificates = await certify(classifier, xs, {
    ...settings,
    seed,
    batchSize: 500,
    onProgress: onProgress && ((p) => onProgress(p.samples, p.totalSamples)),
  });
  return {
    ...settings,
    images: certificates.length,
    abstained: certificates.filter((c) => c.prediction === ABSTAIN).length,
    correctRadii: certificates.map((c, i) =>
      c.prediction !== ABSTAIN && c.prediction === labels[i] ? c.radius : -1,
    ),
    seconds: (Date.now() - started) / 1000,
  };
}
