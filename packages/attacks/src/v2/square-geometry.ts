import type { Rng } from '@anl/core';

/** An image batch's layout on the host: [B, H, W, C] row-major (rank 2 [B, D] is H = 1, W = D, C = 1). */
export interface ImageLayout {
  batch: number;
  h: number;
  w: number;
  c: number;
}

export function imageLayout(shape: readonly number[]): ImageLayout {
  const [batch, ...rest] = shape;
  if (rest.length === 1) return { batch, h: 1, w: rest[0], c: 1 };
  if (rest.length === 2) return { batch, h: rest[0], w: rest[1], c: 1 };
  return { batch, h: rest[0], w: rest[1], c: rest.slice(2).reduce((a, b) => a * b, 1) };
}

/** Offset of pixel (row, col, channel) of image i. */
export function at(l: ImageLayout, i: number, row: number, col: number, ch: number): number {
  return ((i * l.h + row) * l.w + col) * l.c + ch;
}

/**
 * Fraction of pixels a square covers at query `it` of `total` (Andriushchenko et al. 2020, as in
 * AutoAttack): p_init halved at fixed points of a 10,000-query schedule rescaled to `total`.
 */
export function squareFraction(pInit: number, it: number, total: number): number {
  const t = Math.floor((it / total) * 10000);
  const cuts = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let p = pInit;
  for (const cut of cuts) if (t > cut) p /= 2;
  return p;
}

/** A random integer in [lo, hi]. */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** ±1 with equal chance. */
export function randomSign(rng: Rng): number {
  return rng.uniform() < 0.5 ? -1 : 1;
}

/** AutoAttack's eta_rectangles: nested rectangles weighted 1/(k+1)², unit L2 norm. [x, y] row-major. */
function rectangles(x: number, y: number): Float64Array {
  const d = new Float64Array(x * y);
  const xc = Math.floor(x / 2) + 1;
  const yc = Math.floor(y / 2) + 1;
  let c0 = xc - 1;
  let c1 = yc - 1;
  for (let k = 0; k < Math.max(xc, yc); k++) {
    for (let r = Math.max(c0, 0); r < Math.min(c0 + 2 * k + 1, x); r++) {
      for (let s = Math.max(c1, 0); s < Math.min(c1 + 2 * k + 1, y); s++) d[r * y + s] += 1 / (k + 1) ** 2;
    }
    c0--;
    c1--;
  }
  return unit(d);
}

function unit(d: Float64Array): Float64Array {
  let n = 0;
  for (const v of d) n += v * v;
  n = Math.sqrt(n) || 1;
  return d.map((v) => v / n);
}

/**
 * The L2 Square attack's s×s patch (AutoAttack's eta): a positive bump over the top half and a
 * negative one over the bottom half, unit L2 norm, transposed with probability 1/2.
 */
export function pseudoGaussianPatch(s: number, rng: Rng): Float64Array {
  const top = Math.floor(s / 2);
  const upper = rectangles(top, s);
  const lower = rectangles(s - top, s);
  const d = new Float64Array(s * s);
  d.set(upper, 0);
  for (let i = 0; i < lower.length; i++) d[top * s + i] = -lower[i];
  const out = unit(d);
  if (rng.uniform() <= 0.5) return out;
  const t = new Float64Array(s * s);
  for (let r = 0; r < s; r++) for (let c = 0; c < s; c++) t[c * s + r] = out[r * s + c];
  return t;
}
