import { AnlError, createRng, type Rng } from '@anl/core';
import type { AttackClassifier } from './attack-classifier';
import {
  type AttackLabels,
  type AttackResult,
  type AttackRunOptions,
  type CheckedRun,
  checkRun,
  type EpsilonResult,
  fractionZero,
  logitsOf,
  rowsWhere,
  successOf,
} from './attack-run';
import type { ReadMode } from './classifier-reads';
import { integerSetting, positiveSetting } from './eot';
import { margins } from './losses';
import { normBall } from './norm-ball';
import { ReadModeAttack } from './read-mode-attack';
import {
  at,
  type ImageLayout,
  imageLayout,
  pseudoGaussianPatch,
  randomInt,
  randomSign,
  squareFraction,
} from './square-geometry';

export interface SquareSettings {
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** Model queries per input, the first included (default 5000, AutoAttack's). */
  queries?: number;
  /** Initial fraction of pixels a square covers (default 0.8). */
  pInit?: number;
  seed?: number;
  /** Called after every query round with each input's current margin (which never rises). */
  onQuery?: (query: number, margins: Float32Array) => void;
}

/**
 * Square attack (Andriushchenko et al., ECCV 2020): random search with square-shaped updates that is
 * accepted only when the margin z_y − max_{j≠y} z_j falls. Uses logits only, never gradients, so it
 * sees through gradient masking.
 */
export class SquareAttack extends ReadModeAttack {
  readonly name: string;
  readonly norm: 'linf' | 'l2';
  readonly queries: number;
  readonly pInit: number;
  readonly seed: number;
  private readonly onQuery: SquareSettings['onQuery'];

  constructor(settings: SquareSettings = {}) {
    super();
    this.norm = normBall(settings.norm ?? 'linf', 'settings.norm').norm;
    this.queries = integerSetting(settings.queries, 'settings.queries', 5000);
    this.pInit = positiveSetting(settings.pInit, 'settings.pInit', 0.8);
    this.seed = integerSetting(settings.seed, 'settings.seed', 0, 0);
    this.onQuery = settings.onQuery;
    this.name = `Square-${this.norm === 'linf' ? 'Linf' : 'L2'}-${this.queries}`;
  }

  protected async runWith<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
    mode: ReadMode,
  ): Promise<AttackResult<T>> {
    const run = await checkRun(classifier, x, labels, options, false, mode);
    const layout = imageLayout(run.shape);
    if (layout.h < 5 || layout.w < 5) {
      throw new AnlError(
        'UNSUPPORTED',
        `Square needs images of at least 5x5 pixels, got shape [${run.shape.join(', ')}]`,
        {
          argument: 'x',
        },
      );
    }
    const xHost = await run.ops.toArray(x);
    const clean = successOf(run, await logitsOf(run, x));
    const results: EpsilonResult<T>[] = [];
    for (let k = 0; k < run.epsilons.length; k++) {
      const eps = run.epsilons[k];
      const adv = await this.attackOne(run, layout, xHost, clean, eps, createRng(this.seed + 7919 * k));
      const adversarial = run.ops.fromArray(adv.x, run.shape);
      results.push({ eps, adversarial, success: adv.success, robustAccuracy: fractionZero(adv.success) });
    }
    return { attack: this.name, cleanAccuracy: fractionZero(clean), results };
  }

  private async attackOne<T>(
    run: CheckedRun<T>,
    l: ImageLayout,
    x: Float32Array,
    clean: Uint8Array,
    eps: number,
    rng: Rng,
  ): Promise<{ x: Float32Array; success: Uint8Array }> {
    const [lo, hi] = run.classifier.bounds;
    const c = run.classifier.numClasses;
    const d = x.length / l.batch;
    const best = Float32Array.from(x);
    const success = Uint8Array.from(clean);
    if (eps === 0) return { x: best, success };
    const margin = new Float32Array(l.batch).fill(Number.NEGATIVE_INFINITY);
    const todo = rowsWhere(success.map((s) => 1 - s));
    // Initial point: vertical stripes of ±eps (L∞) or a grid of ±patches scaled to radius eps (L2).
    const init = this.norm === 'linf' ? this.stripes(l, x, todo, eps, rng) : this.grid(l, x, todo, eps, rng);
    clipInto(init, lo, hi);
    await this.evaluate(run, l, init, todo, best, margin, success, d, true);
    for (let q = 1; q < this.queries; q++) {
      const rows = rowsWhere(Array.from(margin, (m, i) => Number(m > 0 && !success[i])));
      if (rows.length === 0) break;
      const p = squareFraction(this.pInit, q, this.queries);
      const candidates =
        this.norm === 'linf'
          ? this.linfStep(l, x, best, rows, eps, p, rng)
          : this.l2Step(l, x, best, rows, eps, p, rng);
      clipInto(candidates, lo, hi);
      await this.evaluate(run, l, candidates, rows, best, margin, success, d, false);
      this.onQuery?.(q, Float32Array.from(margin));
    }
    void c;
    return { x: best, success };
  }

  /** Queries the model on candidates for `rows`; keeps each one that lowers its row's margin. */
  private async evaluate<T>(
    run: CheckedRun<T>,
    l: ImageLayout,
    candidates: Float32Array,
    rows: Int32Array,
    best: Float32Array,
    margin: Float32Array,
    success: Uint8Array,
    d: number,
    always: boolean,
  ): Promise<void> {
    const { ops } = run;
    const t = ops.fromArray(candidates, [rows.length, ...run.shape.slice(1)]);
    let logits: Float32Array;
    try {
      logits = await logitsOf(run, t);
    } finally {
      ops.dispose(t);
    }
    const labels = Int32Array.from(rows, (i) => run.labels[i]);
    const m = margins(logits, labels, run.classifier.numClasses);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      if (always || m[k] < margin[i]) {
        margin[i] = m[k];
        best.set(candidates.subarray(k * d, (k + 1) * d), i * d);
        if (m[k] <= 0) success[i] = 1;
      }
    }
    void l;
  }

  private stripes(l: ImageLayout, x: Float32Array, rows: Int32Array, eps: number, rng: Rng): Float32Array {
    const d = l.h * l.w * l.c;
    const out = new Float32Array(rows.length * d);
    rows.forEach((i, k) => {
      for (let col = 0; col < l.w; col++) {
        for (let ch = 0; ch < l.c; ch++) {
          const s = eps * randomSign(rng);
          for (let row = 0; row < l.h; row++) {
            const o = at(l, i, row, col, ch);
            out[o - i * d + k * d] = x[o] + s;
          }
        }
      }
    });
    return out;
  }

  private linfStep(
    l: ImageLayout,
    x: Float32Array,
    best: Float32Array,
    rows: Int32Array,
    eps: number,
    p: number,
    rng: Rng,
  ): Float32Array {
    const d = l.h * l.w * l.c;
    const s = Math.min(Math.max(Math.round(Math.sqrt((p * d) / l.c)), 1), l.h - 1, l.w - 1);
    const vh = randomInt(rng, 0, l.h - s);
    const vw = randomInt(rng, 0, l.w - s);
    const out = new Float32Array(rows.length * d);
    rows.forEach((i, k) => {
      out.set(best.subarray(i * d, (i + 1) * d), k * d);
      for (let ch = 0; ch < l.c; ch++) {
        const sign = randomSign(rng);
        for (let r = vh; r < vh + s; r++) {
          for (let col = vw; col < vw + s; col++) {
            const o = at(l, i, r, col, ch);
            out[o - i * d + k * d] = x[o] + eps * sign;
          }
        }
      }
    });
    return out;
  }

  private grid(l: ImageLayout, x: Float32Array, rows: Int32Array, eps: number, rng: Rng): Float32Array {
    const d = l.h * l.w * l.c;
    const s = Math.floor(l.h / 5);
    const start = Math.floor((l.h - s * 5) / 2);
    const delta = new Float64Array(rows.length * d);
    rows.forEach((_, k) => {
      for (let vh = start; vh + s <= l.h; vh += s) {
        for (let vw = start; vw + s <= l.w; vw += s) {
          const patch = pseudoGaussianPatch(s, rng);
          for (let ch = 0; ch < l.c; ch++) {
            const sign = randomSign(rng);
            for (let r = 0; r < s; r++) {
              for (let q = 0; q < s; q++)
                delta[k * d + ((vh + r) * l.w + vw + q) * l.c + ch] += sign * patch[r * s + q];
            }
          }
        }
      }
    });
    return onSphere(delta, x, rows, d, eps);
  }

  private l2Step(
    l: ImageLayout,
    x: Float32Array,
    best: Float32Array,
    rows: Int32Array,
    eps: number,
    p: number,
    rng: Rng,
  ): Float32Array {
    const d = l.h * l.w * l.c;
    let s = Math.max(Math.round(Math.sqrt((p * d) / l.c)), 3);
    if (s % 2 === 0) s++;
    s = Math.min(s, l.h, l.w);
    const vh = randomInt(rng, 0, l.h - s);
    const vw = randomInt(rng, 0, l.w - s);
    const vh2 = randomInt(rng, 0, l.h - s);
    const vw2 = randomInt(rng, 0, l.w - s);
    const patch = pseudoGaussianPatch(s, rng);
    const inWindow = (r: number, q: number, h0: number, w0: number) =>
      r >= h0 && r < h0 + s && q >= w0 && q < w0 + s;
    const delta = new Float64Array(rows.length * d);
    rows.forEach((i, k) => {
      const dk = delta.subarray(k * d, (k + 1) * d);
      for (let j = 0; j < d; j++) dk[j] = best[i * d + j] - x[i * d + j];
      let normImage = 0;
      for (const v of dk) normImage += v * v;
      for (let ch = 0; ch < l.c; ch++) {
        let n1 = 0;
        let nBoth = 0;
        for (let r = 0; r < l.h; r++) {
          for (let q = 0; q < l.w; q++) {
            const v = dk[(r * l.w + q) * l.c + ch];
            const w1 = inWindow(r, q, vh, vw);
            if (w1) n1 += v * v;
            if (w1 || inWindow(r, q, vh2, vw2)) nBoth += v * v;
          }
        }
        n1 = Math.sqrt(n1);
        const sign = randomSign(rng);
        const fresh = new Float64Array(s * s);
        let nf = 0;
        for (let r = 0; r < s; r++) {
          for (let q = 0; q < s; q++) {
            const v = sign * patch[r * s + q] + dk[((vh + r) * l.w + vw + q) * l.c + ch] / (1e-12 + n1);
            fresh[r * s + q] = v;
            nf += v * v;
          }
        }
        const target = Math.sqrt(Math.max(eps * eps - normImage, 0) / l.c + nBoth);
        const f = target / (Math.sqrt(nf) || 1);
        for (let r = 0; r < s; r++)
          for (let q = 0; q < s; q++) dk[((vh2 + r) * l.w + vw2 + q) * l.c + ch] = 0;
        for (let r = 0; r < s; r++)
          for (let q = 0; q < s; q++) dk[((vh + r) * l.w + vw + q) * l.c + ch] = fresh[r * s + q] * f;
      }
    });
    return onSphere(delta, x, rows, d, eps);
  }
}

/** x + eps·delta/‖delta‖₂ per row (a zero delta stays at x). */
function onSphere(
  delta: Float64Array,
  x: Float32Array,
  rows: Int32Array,
  d: number,
  eps: number,
): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((i, k) => {
    let n = 0;
    for (let j = 0; j < d; j++) n += delta[k * d + j] ** 2;
    const f = n > 0 ? eps / Math.sqrt(n) : 0;
    for (let j = 0; j < d; j++) out[k * d + j] = x[i * d + j] + delta[k * d + j] * f;
  });
  return out;
}

function clipInto(values: Float32Array, lo: number, hi: number): void {
  for (let i = 0; i < values.length; i++) values[i] = Math.min(Math.max(values[i], lo), hi);
}
