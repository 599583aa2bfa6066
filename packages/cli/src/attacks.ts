// The one place the CLI learns which attacks exist and how to run one. Today @anl/attacks has FGSM and
// PGD through evaluateRobustness; when attack objects (APGD, Square, AutoAttack) land, add them to
// ATTACKS here and `anl attack` / `compare --attacks` / the report pick them up.
import type { Classifier, LabelledData } from '@anl/attacks';

/** What one attack measured: accuracy at each eps on `numExamples` test images. */
export interface AttackResult {
  attack: string;
  numExamples: number;
  rows: { eps: number; accuracy: number; error: number }[];
  settings: Record<string, unknown>;
}

export interface AttackRunOptions {
  epsilons: readonly number[];
  /** PGD steps (default 10). */
  steps?: number;
  seed?: number;
  batchSize?: number;
}

type AttackRunner = (
  classifier: Classifier,
  data: LabelledData,
  options: AttackRunOptions,
) => Promise<AttackResult>;

function viaEvaluateRobustness(attack: 'fgsm' | 'pgd'): AttackRunner {
  return async (classifier, data, options) => {
    // Loaded here, not at the top: `anl --help` and argument errors should not wait for tfjs.
    const { evaluateRobustness } = await import('@anl/attacks');
    const report = await evaluateRobustness(classifier, data, {
      attack,
      epsilons: options.epsilons,
      steps: options.steps,
      seed: options.seed,
      batchSize: options.batchSize,
    });
    return {
      attack,
      numExamples: report.numExamples,
      rows: report.rows.map((r) => ({ eps: r.eps, accuracy: r.accuracy, error: r.error })),
      settings: report.settings,
    };
  };
}

const ATTACKS: Record<string, AttackRunner> = {
  fgsm: viaEvaluateRobustness('fgsm'),
  pgd: viaEvaluateRobustness('pgd'),
};

/** Names `--attack` / `--attacks` accept. */
export function listAttacks(): readonly string[] {
  return Object.keys(ATTACKS);
}

/** Runs attack `name` (one of listAttacks()) at every eps. */
export function runAttack(
  name: string,
  classifier: Classifier,
  data: LabelledData,
  options: AttackRunOptions,
): Promise<AttackResult> {
  const run = ATTACKS[name];
  if (run === undefined) throw new Error(`unknown attack ${name}`);
  return run(classifier, data, options);
}
