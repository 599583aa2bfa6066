import { createRng, type Rng } from '@anl/core';
import { apgdPhases, oscillates } from './apgd-schedule';
import type { AttackClassifier } from './attack-classifier';
import {
  type AttackLabels,
  type AttackResult,
  type AttackRunOptions,
  type CheckedRun,
  checkRun,
  copyOf,
  type EpsilonResult,
  fractionZero,
  logitsOf,
  rowsWhere,
  successOf,
} from './attack-run';
import type { ReadMode } from './classifier-reads';
import { lossFunction } from './descent-attack';
import { eotDraws, eotGradient, integerSetting, positiveSetting } from './eot';
import type { AttackLoss } from './losses';
import { type NormBall, normBall } from './norm-ball';
import { ReadModeAttack } from './read-mode-attack';

export interface ApgdSettings {
  /** 'linf' (default) or 'l2'. */
  norm?: 'linf' | 'l2';
  /** 'ce' (default) or 'dlr'. */
  loss?: 'ce' | 'dlr';
  /** Iterations per run (default 100). */
  steps?: number;
  /** Random restarts, each on the inputs still robust (default 1). */
  restarts?: number;
  /**
   * APGD-T: attack each input towards its k-th most likely other class for k = 1..targetClasses,
   * in turn (default 0: untargeted). Success is still any misclassification (AutoAttack's rule).
   */
  targetClasses?: number;
  /** Momentum weight on the new step (the paper's 0.75). */
  momentum?: number;
  /** Gradient draws per step (EOT); default 20 for a stochastic classifier, else 1. */
  eot?: number;
  seed?: number;
}

/** Adds `rows` of `src` into a copy of `table` (same row numbering) and frees `table`. */
function replaceRows<T>(run: CheckedRun<T>, table: T, rows: Int32Array, src: T): T {
  if (rows.length === 0) return table;
  const out = run.ops.scatterRows(table, rows, src, rows);
  run.ops.dispose(table);
  return out;
}

/**
 * Auto-PGD (Croce & Hein, ICML 2020): a budget-aware step-size schedule with checkpoints, momentum
 * 0.75, and the best point kept. Untargeted with CE or DLR; APGD-T follows the targeted DLR (or CE)
 * loss to the top other classes.
 */
export class ApgdAttack extends ReadModeAttack {
  readonly name: string;
  readonly steps: number;
  readonly restarts: number;
  readonly targetClasses: number;
  readonly momentum: number;
  readonly seed: number;
  private readonly ball: NormBall;
  private readonly loss: AttackLoss;
  private readonly eotSetting: number | undefined;

  constructor(settings: ApgdSettings = {}) {
    super();
    this.ball = normBall(settings.norm ?? 'linf', 'settings.norm');
    this.loss = lossFunction(settings.loss, 'settings.loss');
    this.steps = integerSetting(settings.steps, 'settings.steps', 100);
    this.restarts = integerSetting(settings.restarts, 'settings.restarts', 1);
    this.targetClasses = integerSetting(settings.targetClasses, 'settings.targetClasses', 0, 0);
    this.momentum = positiveSetting(settings.momentum, 'settings.momentum', 0.75);
    this.seed = integerSetting(settings.seed, 'settings.seed', 0, 0);
    if (settings.eot !== undefined) integerSetting(settings.eot, 'settings.eot', 1);
    this.eotSetting = settings.eot;
    const loss = (settings.loss ?? 'ce').toUpperCase();
    this.name = this.targetClasses > 0 ? `APGD-T-${loss}` : `APGD-${loss}`;
  }

  protected async runWith<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
    mode: ReadMode,
  ): Promise<AttackResult<T>> {
    const run = await checkRun(classifier, x, labels, options, false, mode);
    const draws = eotDraws(this.eotSetting, classifier);
    const cleanLogits = await logitsOf(run, x);
    const clean = successOf(run, cleanLogits);
    const results: EpsilonResult<T>[] = [];
    try {
      for (let k = 0; k < run.epsilons.length; k++) {
        const rng = createRng(this.seed + 7919 * k);
        results.push(await this.attackOne(run, x, cleanLogits, clean, run.epsilons[k], draws, rng));
      }
    } catch (error) {
      run.ops.dispose(results.map((r) => r.adversarial));
      throw error;
    }
    return { attack: this.name, cleanAccuracy: fractionZero(clean), results };
  }

  private async attackOne<T>(
    run: CheckedRun<T>,
    x: T,
    cleanLogits: Float32Array,
    clean: Uint8Array,
    eps: number,
    draws: number,
    rng: Rng,
  ): Promise<EpsilonResult<T>> {
    const { ops } = run;
    const c = run.classifier.numClasses;
    const success = Uint8Array.from(clean);
    let adversarial = copyOf(run, x);
    // Target k: the (k+1)-th largest clean logit (k = 1 is the most likely other class).
    const targetRounds =
      this.targetClasses === 0 ? [0] : Array.from({ length: this.targetClasses }, (_, i) => i + 1);
    try {
      for (const rank of targetRounds) {
        for (let r = 0; r < this.restarts; r++) {
          const rows = rowsWhere(success.map((s) => 1 - s));
          if (rows.length === 0 || eps === 0) break;
          const sub = this.subRun(
            run,
            rows,
            rank === 0 ? undefined : this.targets(cleanLogits, c, rows, rank),
          );
          if (sub === undefined) break;
          const xs = ops.gatherRows(x, rows);
          try {
            const found = await this.singleRun(sub, xs, eps, draws, rng);
            try {
              // Every attacked row takes this run's point: adversarial where fooled, else its best-loss point.
              const all = Int32Array.from(rows, (_, k) => k);
              const next = ops.scatterRows(adversarial, rows, found.adversarial, all);
              ops.dispose(adversarial);
              adversarial = next;
              const fooled = rowsWhere(found.success);
              for (const i of fooled) success[rows[i]] = 1;
            } finally {
              ops.dispose(found.adversarial);
            }
          } finally {
            ops.dispose(xs);
          }
        }
      }
    } catch (error) {
      ops.dispose(adversarial);
      throw error;
    }
    return { eps, adversarial, success, robustAccuracy: fractionZero(success) };
  }

  private targets(
    cleanLogits: Float32Array,
    c: number,
    rows: Int32Array,
    rank: number,
  ): Int32Array | undefined {
    if (rank >= c) return undefined;
    return Int32Array.from(rows, (i) => {
      const order = Array.from({ length: c }, (_, j) => j).sort(
        (a, b) => cleanLogits[i * c + b] - cleanLogits[i * c + a],
      );
      return order[rank];
    });
  }

  private subRun<T>(
    run: CheckedRun<T>,
    rows: Int32Array,
    targets: Int32Array | undefined,
  ): (CheckedRun<T> & { lossTargets?: Int32Array }) | undefined {
    if (this.targetClasses > 0 && targets === undefined) return undefined;
    return {
      ...run,
      batch: rows.length,
      shape: [rows.length, ...run.shape.slice(1)],
      labels: Int32Array.from(rows, (i) => run.labels[i]),
      targets: undefined,
      lossTargets: targets,
    };
  }

  /** One APGD run on a sub-batch; returns the adversarial points (the best-loss point where none was found). */
  private async singleRun<T>(
    run: CheckedRun<T> & { lossTargets?: Int32Array },
    x: T,
    eps: number,
    draws: number,
    rng: Rng,
  ): Promise<{ adversarial: T; success: Uint8Array }> {
    const { ops } = run;
    const [lo, hi] = run.classifier.bounds;
    const c = run.classifier.numClasses;
    const b = run.batch;
    const w = (logits: Float32Array) => this.loss(logits, run.labels, c, run.lossTargets).gradient;
    const lossOf = (logits: Float32Array) => this.loss(logits, run.labels, c, run.lossTargets).loss;
    const phases = apgdPhases(this.steps);
    const alpha = this.momentum;
    const clipBall = (t: T) => ops.clip(this.ball.project(ops, x, t, eps), lo, hi);

    let xAdv = ops.tidy(() => {
      if (this.ball.norm === 'linf') return clipBall(this.ball.randomPoint(ops, x, eps, rng));
      const t = this.ball.normalise(ops, ops.randomNormal(run.shape, 0, 1, rng.nextUint32()));
      return clipBall(ops.add(x, ops.scale(t, eps)));
    });
    let first = await eotGradient(run, xAdv, w, draws);
    let grad = first.gradient;
    let xOld = copyOf(run, xAdv);
    let xBest = copyOf(run, xAdv);
    let gradBest = copyOf(run, grad);
    let xBestAdv = copyOf(run, xAdv);
    const success = successOf(run, first.logits);
    const initialLoss = lossOf(first.logits);
    const lossBest = Float32Array.from(initialLoss);
    const history: Float32Array[] = [];
    const stepSize = new Float32Array(b).fill(2 * eps);
    let lossBestLastCheck = Float32Array.from(lossBest);
    let reducedLastCheck: Uint8Array = new Uint8Array(b).fill(1);
    let k = phases.first;
    let counter = 0;
    try {
      for (let i = 0; i < this.steps; i++) {
        const a = i > 0 ? alpha : 1;
        const previous = xAdv;
        xAdv = ops.tidy(() => {
          const momentum = ops.sub(previous, xOld);
          const step = ops.mulPerSample(this.ball.normalise(ops, grad), ops.fromArray(stepSize, [b]));
          const z = clipBall(ops.add(previous, step));
          return clipBall(
            ops.add(ops.add(previous, ops.scale(ops.sub(z, previous), a)), ops.scale(momentum, 1 - a)),
          );
        });
        ops.dispose(xOld);
        xOld = previous;
        ops.dispose(grad);
        first = await eotGradient(run, xAdv, w, draws);
        grad = first.gradient;
        const fooled = successOf(run, first.logits);
        const fresh = rowsWhere(fooled);
        xBestAdv = replaceRows(run, xBestAdv, fresh, xAdv);
        for (const f of fresh) success[f] = 1;
        const loss = lossOf(first.logits);
        history.push(loss);
        const improved = rowsWhere(loss.map((v, j) => Number(v > lossBest[j])));
        xBest = replaceRows(run, xBest, improved, xAdv);
        gradBest = replaceRows(run, gradBest, improved, grad);
        for (const j of improved) lossBest[j] = loss[j];
        counter++;
        if (counter === k) {
          const osc = oscillates(history, initialLoss, i, k, 0.75);
          for (let j = 0; j < b; j++) {
            if (!reducedLastCheck[j] && lossBestLastCheck[j] >= lossBest[j]) osc[j] = 1;
          }
          reducedLastCheck = osc;
          lossBestLastCheck = Float32Array.from(lossBest);
          const halve = rowsWhere(osc);
          for (const j of halve) stepSize[j] /= 2;
          xAdv = replaceRows(run, xAdv, halve, xBest);
          grad = replaceRows(run, grad, halve, gradBest);
          k = Math.max(k - phases.decrease, phases.min);
          counter = 0;
        }
      }
      // Points never fooled return their best-loss point (the reference's x_best).
      const adversarial = ops.scatterRows(xBest, rowsWhere(success), xBestAdv, rowsWhere(success));
      return { adversarial, success };
    } finally {
      ops.dispose([xAdv, grad, xOld, xBest, gradBest, xBestAdv]);
    }
  }
}
