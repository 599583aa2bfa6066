// The few distribution functions randomised smoothing needs, in plain TypeScript (no dependency):
// ln Γ (Lanczos), the regularised incomplete gamma and beta functions (continued fractions, as in
// Numerical Recipes), and from them Φ, Φ⁻¹, the beta quantile, the Clopper–Pearson bound and the
// two-sided binomial test. Double precision; the quantiles are found by bisection, which cannot
// diverge and takes ~60 evaluations.

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

// Lanczos approximation, g = 7, 9 terms (relative error ~1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), x >= 0. */
function upperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const prefactor = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    // Series for P(a, x).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) return 1 - sum * prefactor;
    }
    throw new Error('upperGamma: series did not converge');
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return prefactor * h;
  }
  throw new Error('upperGamma: continued fraction did not converge');
}

/** The standard normal CDF Φ(x) = erfc(−x/√2)/2, with erfc(z) = Q(1/2, z²) for z >= 0. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const z = x / Math.SQRT2;
  const q = upperGamma(0.5, z * z);
  return x < 0 ? 0.5 * q : 1 - 0.5 * q;
}

/** Bisection for the x in [lo, hi] where the increasing `f` reaches `target`. */
function invert(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 2000; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) return mid;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Φ⁻¹(p), the standard normal quantile, for p in (0, 1); −∞ at 0 and +∞ at 1. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Symmetry keeps the upper tail as precise as the lower one (1 − p loses digits there).
  if (p > 0.5) return -normalQuantile(1 - p);
  return invert(normalCdf, p, -40, 0);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error('betaFraction: continued fraction did not converge');
}

/** The regularised incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** The q-quantile of Beta(a, b): the x with I_x(a, b) = q. */
export function betaQuantile(q: number, a: number, b: number): number {
  if (q <= 0) return 0;
  if (q >= 1) return 1;
  return invert((x) => regularizedBeta(x, a, b), q, 0, 1);
}

/**
 * One-sided (1 − alpha) Clopper–Pearson lower confidence bound on a binomial proportion from
 * `successes` of `trials`: the alpha-quantile of Beta(k, n − k + 1), 0 when k = 0. (Cohen et al.'s
 * `proportion_confint(k, n, alpha=2·alpha, method="beta")[0]`.)
 */
export function clopperPearsonLower(successes: number, trials: number, alpha: number): number {
  if (successes <= 0) return 0;
  return betaQuantile(alpha, successes, trials - successes + 1);
}

/**
 * Two-sided p-value of the binomial test of `successes` in `trials` against p = 1/2 (scipy's
 * `binom_test(k, n, 0.5)`): 2·P(X >= max(k, n − k)), capped at 1. P(X >= m) = I_{1/2}(m, n − m + 1).
 */
export function binomialTestHalf(successes: number, trials: number): number {
  const m = Math.max(successes, trials - successes);
  if (2 * m === trials) return 1;
  return Math.min(1, 2 * regularizedBeta(0.5, m, trials - m + 1));
}
