/**
 * Signs of gradient masking (Athalye et al. 2018; Carlini et al. 2019, "On evaluating adversarial
 * robustness"), each flagged with the numbers behind it. A flag is a reason to distrust the white-box
 * numbers, not proof of masking.
 */
export interface MaskingFlag {
  check: 'black-box-stronger' | 'not-near-zero-at-large-eps' | 'eot-gap';
  flagged: boolean;
  message: string;
}

export interface MaskingEvidence {
  /** Lowest robust accuracy of the gradient attacks at the evaluation eps. */
  whiteBox?: number;
  /** Robust accuracy of the score-based attack (Square) at the same eps. */
  blackBox?: number;
  /** Robust accuracy at a large eps, and that eps. */
  largeEps?: { eps: number; robustAccuracy: number };
  /** PGD robust accuracy with single-draw gradients and with EOT (stochastic models). */
  singleDraw?: number;
  eot?: number;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** Runs every check the evidence allows. Thresholds: 1 point, 10 %, 5 points. */
export function maskingChecks(e: MaskingEvidence): MaskingFlag[] {
  const flags: MaskingFlag[] = [];
  if (e.whiteBox !== undefined && e.blackBox !== undefined) {
    const flagged = e.blackBox < e.whiteBox - 0.01;
    flags.push({
      check: 'black-box-stronger',
      flagged,
      message: `black-box (Square) ${pct(e.blackBox)} vs best white-box ${pct(e.whiteBox)}${flagged ? ': gradients are misleading the white-box attacks' : ''}`,
    });
  }
  if (e.largeEps !== undefined) {
    const flagged = e.largeEps.robustAccuracy > 0.1;
    flags.push({
      check: 'not-near-zero-at-large-eps',
      flagged,
      message: `robust accuracy ${pct(e.largeEps.robustAccuracy)} at eps ${e.largeEps.eps}${flagged ? ': an unbounded attack should reach ~0 %' : ''}`,
    });
  }
  if (e.singleDraw !== undefined && e.eot !== undefined) {
    const flagged = e.singleDraw - e.eot > 0.05;
    flags.push({
      check: 'eot-gap',
      flagged,
      message: `PGD single-draw ${pct(e.singleDraw)} vs EOT ${pct(e.eot)}${flagged ? ': randomness hides the gradient; use the EOT number' : ''}`,
    });
  }
  return flags;
}
