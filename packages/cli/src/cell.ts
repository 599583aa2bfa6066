// One cell of a sweep: a model trained with one method, eps and seed, then measured. A cell is also a
// standalone `anl train` command line, so the same spec runs here, in a worker process, or on a cluster.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CellSpec {
  model: string;
  method: string;
  /** Noise magnitude (absent for the baseline). */
  eps?: number;
  seed: number;
  data: string;
  epochs: number;
  batch: number;
  lr: number;
  /** Adam or SGD with Nesterov momentum 0.9. */
  optimizer: 'adam' | 'sgd';
  /** Noise for the first `noiseEpochs` epochs only (the paper's Table 3 halves); absent: every epoch. */
  noiseEpochs?: number;
  /** Step schedule: the learning rate is multiplied by lrDropFactor every lrDropEvery epochs. */
  lrDropEvery?: number;
  lrDropFactor?: number;
  /** From epoch noiseEpochs on, the schedule's minimum learning rate (the ANL paper's Table 3 protocol). */
  lrMinAfterNoise?: boolean;
  trainLimit?: number;
  testLimit?: number;
  attacks: string[];
  attackEps: number[];
  /** Test images the attacks run on (the first n). */
  attackLimit?: number;
  pgdSteps: number;
  /** Square's queries per image (square, autoattack); absent: the attack's CLI default. */
  queries?: number;
  /** Data-parallel training on worker threads ('auto': one per core); absent: one thread. Not part of the cell's identity. */
  workers?: number | 'auto';
  /** Train on x + N(0, sigma²) (Cohen et al.'s Gaussian augmentation, for randomised smoothing). */
  gaussianAugmentation?: number;
  /** Certify the smoothed model (CERTIFY) on the first `certifyLimit` test images after training. */
  certify?: { sigma: number; n0: number; n: number; alpha: number };
  certifyLimit?: number;
  /** Each method's own options under its name (trainWithNoise's `methodOptions`), e.g. `{ trades: { beta: 6 } }`. */
  methodOptions?: Record<string, Record<string, unknown>>;
}

/** The file name of a cell's result: model-method[-epsE]-seedS. */
export function cellId(spec: Pick<CellSpec, 'model' | 'method' | 'eps' | 'seed'>): string {
  const eps = spec.eps === undefined ? '' : `-eps${spec.eps}`;
  return `${spec.model}-${spec.method}${eps}-seed${spec.seed}`;
}

/** The `anl train` arguments that run exactly this cell and write its result to `out`. */
export function cellArgs(spec: CellSpec, out: string): string[] {
  const args = ['train', '--model', spec.model, '--method', spec.method];
  if (spec.eps !== undefined) args.push(`--eps=${spec.eps}`);
  args.push('--seed', String(spec.seed), '--data', spec.data, '--epochs', String(spec.epochs));
  args.push('--batch', String(spec.batch), '--lr', String(spec.lr), '--optimizer', spec.optimizer);
  if (spec.noiseEpochs !== undefined) args.push('--noise-epochs', String(spec.noiseEpochs));
  if (spec.lrDropEvery !== undefined) args.push('--lr-drop-every', String(spec.lrDropEvery));
  if (spec.lrDropFactor !== undefined) args.push('--lr-drop-factor', String(spec.lrDropFactor));
  if (spec.lrMinAfterNoise) args.push('--lr-min-after-noise');
  if (spec.trainLimit !== undefined) args.push('--train-limit', String(spec.trainLimit));
  if (spec.testLimit !== undefined) args.push('--test-limit', String(spec.testLimit));
  if (spec.attacks.length > 0) {
    args.push('--attacks', spec.attacks.join(','), `--attack-eps=${spec.attackEps.join(',')}`);
    if (spec.attackLimit !== undefined) args.push('--attack-limit', String(spec.attackLimit));
    args.push('--pgd-steps', String(spec.pgdSteps));
    if (spec.queries !== undefined) args.push('--queries', String(spec.queries));
  }
  if (spec.workers !== undefined) args.push('--workers', String(spec.workers));
  if (spec.gaussianAugmentation !== undefined)
    args.push('--gaussian-augmentation', String(spec.gaussianAugmentation));
  if (spec.certify !== undefined) {
    const { sigma, n0, n, alpha } = spec.certify;
    args.push('--certify', `${sigma},${n0},${n},${alpha}`);
    if (spec.certifyLimit !== undefined) args.push('--certify-limit', String(spec.certifyLimit));
  }
  if (spec.methodOptions !== undefined) args.push('--method-options', JSON.stringify(spec.methodOptions));
  args.push('--out', out);
  return args;
}

/** The learning rate of each epoch (0-based) under the cell's schedule. */
export function learningRateAt(
  spec: Pick<CellSpec, 'lr' | 'epochs' | 'noiseEpochs' | 'lrDropEvery' | 'lrDropFactor' | 'lrMinAfterNoise'>,
  epoch: number,
): number {
  const stepped = (e: number) =>
    spec.lrDropEvery === undefined
      ? spec.lr
      : spec.lr * (spec.lrDropFactor ?? 0.2) ** Math.floor(e / spec.lrDropEvery);
  if (spec.lrMinAfterNoise && spec.noiseEpochs !== undefined && epoch >= spec.noiseEpochs) {
    let min = stepped(0);
    for (let e = 1; e < spec.epochs; e++) min = Math.min(min, stepped(e));
    return min;
  }
  return stepped(epoch);
}

/** POSIX shell quoting for one argument (plain words stay bare). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Writes JSON so a reader never sees half a file: a temporary file in the same folder, then rename. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(value, null, 1)}\n`, 'utf8');
  renameSync(temp, path);
}

export const CELL_SCHEMA = 'anl-cell/1';

/** True when `path` holds a finished cell result (a killed run leaves none: writes are atomic). */
export function isFinishedCell(path: string): boolean {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { schema?: string };
    return parsed.schema === CELL_SCHEMA;
  } catch {
    return false;
  }
}
