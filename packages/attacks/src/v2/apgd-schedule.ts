/**
 * APGD's step-size schedule (Croce & Hein 2020, Sec. 3): checkpoints after 22 % of the iterations,
 * then ever shorter phases (3 % shorter each, at least 6 %). At a checkpoint a sample's step halves
 * when its loss rose in at most 75 % of the phase's steps, or when the step was not halved last time
 * and its best loss did not improve since.
 */
export interface ApgdPhases {
  /** Length of the first phase. */
  first: number;
  /** Shortest phase. */
  min: number;
  /** How much each phase is shorter than the one before. */
  decrease: number;
}

export function apgdPhases(iterations: number): ApgdPhases {
  return {
    first: Math.max(Math.floor(0.22 * iterations), 1),
    min: Math.max(Math.floor(0.06 * iterations), 1),
    decrease: Math.max(Math.floor(0.03 * iterations), 1),
  };
}

/**
 * Per sample: did the loss rise in at most `rho`·k of the k steps ending at `j`? `history[s]` holds the
 * losses after step s; `history[-1]` (before the first step) is `initial`.
 */
export function oscillates(
  history: Float32Array[],
  initial: Float32Array,
  j: number,
  k: number,
  rho: number,
): Uint8Array {
  const b = initial.length;
  const rises = new Float32Array(b);
  for (let c = 0; c < k; c++) {
    const now = history[j - c];
    const before = j - c - 1 >= 0 ? history[j - c - 1] : initial;
    for (let i = 0; i < b; i++) rises[i] += now[i] > before[i] ? 1 : 0;
  }
  return Uint8Array.from(rises, (r) => Number(r <= k * rho));
}
