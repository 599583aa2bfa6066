import type { Rng } from '../rng/rng';
import { assertFinite, assertInteger } from '../shape';

/**
 * The per-sample magnitudes of ANL (Eq. 3): `r = clip(N(eps/2, (eps/4)^2), min(0, eps), max(0, eps))`,
 * one draw per sample. For eps > 0 the bounds sit at ±2σ around the mean, so about 2.3% of draws
 * land on each bound. Negative eps is legal (noise against the gradient) and mirrors the law.
 */
export function sampleClippedGaussianR(rng: Rng, batchSize: number, eps: number): Float32Array {
  assertInteger(batchSize, 'batchSize', 1);
  assertFinite(eps, 'eps');
  const lo = Math.min(0, eps);
  const hi = Math.max(0, eps);
  const out = new Float32Array(batchSize);
  for (let i = 0; i < batchSize; i++) {
    const draw = eps / 2 + (Math.abs(eps) / 4) * rng.normal();
    out[i] = Math.min(Math.max(draw, lo), hi);
  }
  return out;
}
