/**
 * Per-sample attack losses on host logits [B, C] with their logit gradients, so any backend can follow
 * them through `AttackClassifier.gradient`. Each loss is one the attack MAXIMISES.
 */
export interface LossValue {
  /** Loss per sample [B]. */
  loss: Float32Array;
  /** dloss_i/dlogits[i, c], row-major [B, C]. */
  gradient: Float32Array;
}

export type AttackLoss = (
  logits: Float32Array,
  labels: Int32Array,
  numClasses: number,
  targets?: Int32Array,
) => LossValue;

/** Cross-entropy of the true label (untargeted), or minus the target's cross-entropy (targeted). */
export const crossEntropyLoss: AttackLoss = (logits, labels, c, targets) => {
  const b = labels.length;
  const loss = new Float32Array(b);
  const gradient = new Float32Array(b * c);
  for (let i = 0; i < b; i++) {
    const row = i * c;
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, logits[row + j]);
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(logits[row + j] - max);
    const logSum = max + Math.log(sum);
    const k = targets === undefined ? labels[i] : targets[i];
    const sign = targets === undefined ? 1 : -1;
    loss[i] = sign * (logSum - logits[row + k]);
    for (let j = 0; j < c; j++) gradient[row + j] = sign * Math.exp(logits[row + j] - logSum);
    gradient[row + k] -= sign;
  }
  return { loss, gradient };
};

/** Indices of a row sorted by logit, largest first. */
function order(logits: Float32Array, row: number, c: number): number[] {
  return Array.from({ length: c }, (_, j) => j).sort((a, b) => logits[row + b] - logits[row + a]);
}

/**
 * Difference of Logits Ratio (Croce & Hein 2020), needs C >= 3 (targeted: C >= 4).
 * Untargeted: −(z_y − max_{j≠y} z_j) / (z_π1 − z_π3 + 1e-12).
 * Targeted: −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12). π sorts the logits, largest first.
 */
export const dlrLoss: AttackLoss = (logits, labels, c, targets) => {
  const b = labels.length;
  const loss = new Float32Array(b);
  const gradient = new Float32Array(b * c);
  for (let i = 0; i < b; i++) {
    const row = i * c;
    const pi = order(logits, row, c);
    const y = labels[i];
    let other: number;
    if (targets === undefined) other = pi[0] === y ? pi[1] : pi[0];
    else other = targets[i];
    const a = logits[row + y] - logits[row + other];
    const g = gradient.subarray(row, row + c);
    let denom: number;
    if (targets === undefined) {
      denom = logits[row + pi[0]] - logits[row + pi[2]] + 1e-12;
    } else {
      denom = logits[row + pi[0]] - (logits[row + pi[2]] + logits[row + pi[3]]) / 2 + 1e-12;
    }
    loss[i] = -a / denom;
    // d(−a/denom) = −da/denom + a·ddenom/denom².
    g[y] -= 1 / denom;
    g[other] += 1 / denom;
    const s = a / (denom * denom);
    g[pi[0]] += s;
    if (targets === undefined) g[pi[2]] -= s;
    else {
      g[pi[2]] -= s / 2;
      g[pi[3]] -= s / 2;
    }
  }
  return { loss, gradient };
};

/**
 * Margin z_y − max_{j≠y} z_j per sample (untargeted; targeted: max_{j≠t} z_j − z_t): positive while the
 * attack has not succeeded. Square minimises it; no gradient needed.
 */
export function margins(
  logits: Float32Array,
  labels: Int32Array,
  c: number,
  targets?: Int32Array,
): Float32Array {
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const row = i * c;
    const k = targets === undefined ? labels[i] : targets[i];
    let best = -Infinity;
    for (let j = 0; j < c; j++) if (j !== k) best = Math.max(best, logits[row + j]);
    out[i] = targets === undefined ? logits[row + k] - best : best - logits[row + k];
  }
  return out;
}

/** Argmax of each row of host logits [B, C]. */
export function argmaxRows(logits: Float32Array, c: number): Int32Array {
  const b = logits.length / c;
  const out = new Int32Array(b);
  for (let i = 0; i < b; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (logits[i * c + j] > logits[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}
