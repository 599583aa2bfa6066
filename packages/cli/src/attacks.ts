// The one place the CLI learns which attacks exist and how to run one: FGSM and PGD through
// evaluateRobustness, APGD, Square and AutoAttack through @anl/attacks' attack objects. Add an entry to
// ATTACKS and `anl attack` / `compare --attacks` / the report pick it up.
import type { Attack, LabelledData } from '@anl/attacks';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';

/** What one attack measured: accuracy at each eps on `numExamples` test images. */
export interface AttackResult {
  attack: string;
  numExamples: number;
  rows: { eps: number; accuracy: number; error: number }[];
  settings: Record<string, unknown>;
}

export interface AttackRunOptions {
  epsilons: readonly number[];
  /** PGD and APGD iterations (default 10). */
  steps?: number;
  /** Square's model queries per image, in Square and AutoAttack (default 1000). */
  queries?: number;
  seed?: number;
  /** Images per attack call (default 128). */
  batchSize?: number;
}

/** The labelled test images an attack runs on; labels are class indices. */
export interface AttackData {
  xs: Tensor;
  labels: ArrayLike<number>;
}

type AttackRunner = (
  model: LayersModel,
  data: AttackData,
  options: AttackRunOptions,
) => Promise<AttackResult>;

const DEFAULT_STEPS = 10;
const DEFAULT_QUERIES = 1000;
const DEFAULT_BATCH = 128;
/** APGD-T's target classes, AutoAttack's 9 (fewer when the model has fewer other classes). */
const TARGET_CLASSES = 9;

function viaEvaluateRobustness(attack: 'fgsm' | 'pgd'): AttackRunner {
  return async (model, data, options) => {
    // Loaded here, not at the top: `anl --help` and argument errors should not wait for tfjs.
    const { classifierFromLayersModel, evaluateRobustness } = await import('@anl/attacks');
    const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
    const report = await evaluateRobustness(classifier, data as LabelledData, {
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

/**
 * Runs `robustAt(xs, labels)` batch by batch and turns its per-eps success masks (1 = fooled) into
 * accuracies over all images.
 */
async function overBatches(
  data: AttackData,
  options: AttackRunOptions,
  robustAt: (xs: Tensor, labels: number[]) => Promise<Uint8Array[]>,
): Promise<{ numExamples: number; rows: AttackResult['rows'] }> {
  const tf = await import('@tensorflow/tfjs');
  const n = data.xs.shape[0];
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const correct = options.epsilons.map(() => 0);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const xs = tf.slice(data.xs, start, size);
    try {
      const masks = await robustAt(xs, Array.from(data.labels).slice(start, start + size));
      masks.forEach((mask, k) => {
        for (const fooled of mask) correct[k] += fooled === 0 ? 1 : 0;
      });
    } finally {
      xs.dispose();
    }
  }
  return {
    numExamples: n,
    rows: options.epsilons.map((eps, k) => ({ eps, accuracy: correct[k] / n, error: 1 - correct[k] / n })),
  };
}

/** An attack object of @anl/attacks on the model's AttackClassifier (EOT when the model is stochastic). */
function viaAttackObject(
  name: string,
  make: (numClasses: number, options: AttackRunOptions) => Promise<Attack>,
): AttackRunner {
  return async (model, data, options) => {
    const { tfjsAttackClassifier } = await import('@anl/attacks');
    const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
    const attack = await make(classifier.numClasses, options);
    const measured = await overBatches(data, options, async (xs, labels) => {
      const result = await attack.run(classifier, xs, labels, { epsilons: options.epsilons });
      for (const r of result.results) r.adversarial.dispose();
      return result.results.map((r) => r.success);
    });
    return {
      attack: name,
      ...measured,
      settings: {
        attack: attack.name,
        ...attackSettings(attack),
        batchSize: options.batchSize ?? DEFAULT_BATCH,
        stochastic: classifier.stochastic,
        attackLabels: 'true',
      },
    };
  };
}

/** The public numeric settings of an attack object (steps, restarts, queries, seed, ...). */
function attackSettings(attack: Attack): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(attack)) if (typeof value === 'number') out[key] = value;
  return out;
}

/** AutoAttack (standard: APGD-CE, APGD-T, Square) at each eps, on the images still robust. */
const autoAttackRunner: AttackRunner = async (model, data, options) => {
  const { autoAttack, tfjsAttackClassifier } = await import('@anl/attacks');
  const classifier = tfjsAttackClassifier(model, { bounds: [0, 1] });
  const settings = {
    norm: 'linf' as const,
    version: 'standard' as const,
    steps: options.steps ?? DEFAULT_STEPS,
    queries: options.queries ?? DEFAULT_QUERIES,
    seed: options.seed ?? 0,
  };
  const stageNames: string[] = [];
  const measured = await overBatches(data, options, async (xs, labels) => {
    const masks: Uint8Array[] = [];
    for (const eps of options.epsilons) {
      const r = await autoAttack(classifier, xs, labels, { ...settings, eps });
      r.adversarial.dispose();
      if (stageNames.length === 0) stageNames.push(...r.stages.map((s) => s.attack));
      masks.push(r.success);
    }
    return masks;
  });
  return {
    attack: 'autoattack',
    ...measured,
    settings: {
      ...settings,
      stages: stageNames,
      batchSize: options.batchSize ?? DEFAULT_BATCH,
      stochastic: classifier.stochastic,
      attackLabels: 'true',
    },
  };
};

const ATTACKS: Record<string, AttackRunner> = {
  fgsm: viaEvaluateRobustness('fgsm'),
  pgd: viaEvaluateRobustness('pgd'),
  'apgd-ce': viaAttackObject('apgd-ce', async (_c, o) => {
    const { ApgdAttack } = await import('@anl/attacks');
    return new ApgdAttack({ loss: 'ce', steps: o.steps ?? DEFAULT_STEPS, seed: o.seed });
  }),
  'apgd-t': viaAttackObject('apgd-t', async (numClasses, o) => {
    const { ApgdAttack } = await import('@anl/attacks');
    return new ApgdAttack({
      loss: 'dlr',
      targetClasses: Math.min(TARGET_CLASSES, numClasses - 1),
      steps: o.steps ?? DEFAULT_STEPS,
      seed: o.seed,
    });
  }),
  square: viaAttackObject('square', async (_c, o) => {
    const { SquareAttack } = await import('@anl/attacks');
    return new SquareAttack({ queries: o.queries ?? DEFAULT_QUERIES, seed: o.seed });
  }),
  autoattack: autoAttackRunner,
};

/** Names `--attack` / `--attacks` accept. */
export function listAttacks(): readonly string[] {
  return Object.keys(ATTACKS);
}

/** Runs attack `name` (one of listAttacks()) on a [0, 1]-pixel model at every eps, true labels. */
export function runAttack(
  name: string,
  model: LayersModel,
  data: AttackData,
  options: AttackRunOptions,
): Promise<AttackResult> {
  const run = ATTACKS[name];
  if (run === undefined) throw new Error(`unknown attack ${name}`);
  return run(model, data, options);
}
