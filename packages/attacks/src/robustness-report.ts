import type { Bounds } from './bounds';

export type RobustnessAttack = 'fgsm' | 'pgd' | 'uniform';

/** Accuracy on one perturbation strength; accuracy and error are fractions in [0, 1]. */
export interface RobustnessRow {
  /** Strength in input units (for 'uniform': the noise's upper end a). */
  eps: number;
  /** The same strength on the 0–255 scale, when it was given that way. */
  delta?: number;
  accuracy: number;
  error: number;
  /** Mean squared difference of the named layer's activations, clean vs perturbed (WM Fig. 2b/3b). */
  activationMse?: number;
}

/** What evaluateRobustness measured; plain JSON. */
export interface RobustnessReport {
  attack: RobustnessAttack;
  bounds: Bounds;
  numExamples: number;
  clean: { accuracy: number; error: number };
  rows: RobustnessRow[];
  /** The settings that produced the rows (steps, seeds, labels used, ...). */
  settings: Record<string, unknown>;
}
