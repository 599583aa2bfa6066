import { createRng, invalidArgument, type Rng } from '@anl/core';
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
import { booleanSetting, eotDraws, eotGradient, integerSetting, positiveSetting } from './eot';
import { type AttackLoss, crossEntropyLoss, dlrLoss } from './losses';
import { type NormBall, normBall } from './norm-ball';
import { ReadModeAttack } from './read-mode-attack';

export interface DescentSettings {
  /** Gradient steps (default 10). */
  steps?: number;
  /** Step length as a fraction of eps (default 2.5 / steps, Madry et al.). */
  relativeStepSize?: number;
  /** Start from a uniform random point of the eps-ball (default true). */
  randomStart?: boolean;
  /** 'ce' (default) or 'dlr'. */
  loss?: 'ce' | 'dlr';
  /** Push towards `options.targets` instead of away from the labels (default false). */
  targeted?: boolean;
  /** Gradient draws averaged per step (EOT); default 20 for a stochastic classifier, else 1. */
  eot?: number;
  /** Seed of the random start (default 0). */
  seed?: number;
}

/** The loss for a setting: 'ce' (default) or 'dlr'. */
export function lossFunction(loss: unknown, argument: string): AttackLoss {
  if (loss === undefined || loss === 'ce') return crossEntropyLoss;
  if (loss === 'dlr') return dlrLoss;
  return invalidArgument(argument, "'ce' or 'dlr'", loss);
}

/**
 * Projected gradient descent as a template (foolbox's design): `start`, `normalise` and `project`
 * are the steps a subclass may override; the loop, the label rule, EOT and the bookkeeping are shared.
 * An input keeps the first iterate at which it became adversarial; others end at the last iterate.
 */
export class DescentAttack extends ReadModeAttack {
  readonly name: string;
  readonly steps: number;
  readonly relativeStepSize: number;
  readonly randomStart: boolean;
  readonly targeted: boolean;
  readonly seed: number;
  protected readonly ball: NormBall;
  protected readonly loss: AttackLoss;
  private readonly eotSetting: number | undefined;

  constructor(name: string, norm: 'linf' | 'l2', settings: DescentSettings = {}) {
    super();
    if (settings == null || typeof settings !== 'object') invalidArgument('settings', 'an object', settings);
    this.name = name;
    this.ball = normBall(norm, 'norm');
    this.steps = integerSetting(settings.steps, 'settings.steps', 10);
    this.relativeStepSize = positiveSetting(
      settings.relativeStepSize,
      'settings.relativeStepSize',
      2.5 / this.steps,
    );
    this.randomStart = booleanSetting(settings.randomStart, 'settings.randomStart', true);
    this.targeted = booleanSetting(settings.targeted, 'settings.targeted', false);
    this.loss = lossFunction(settings.loss, 'settings.loss');
    this.seed = integerSetting(settings.seed, 'settings.seed', 0, 0);
    if (settings.eot !== undefined) integerSetting(settings.eot, 'settings.eot', 1);
    this.eotSetting = settings.eot;
  }

  /** The first iterate: x itself, or a random point of the ball (clipped to the bounds later). */
  protected start<T>(run: CheckedRun<T>, x: T, eps: number, rng: Rng): T {
    return this.randomStart ? this.ball.randomPoint(run.ops, x, eps, rng) : copyOf(run, x);
  }

  protected normalise<T>(run: CheckedRun<T>, g: T): T {
    return this.ball.normalise(run.ops, g);
  }

  protected project<T>(run: CheckedRun<T>, x: T, xAdv: T, eps: number): T {
    return this.ball.project(run.ops, x, xAdv, eps);
  }

  protected async runWith<T>(
    classifier: AttackClassifier<T>,
    x: T,
    labels: AttackLabels,
    options: AttackRunOptions,
    mode: ReadMode,
  ): Promise<AttackResult<T>> {
    const run = await checkRun(classifier, x, labels, options, this.targeted, mode);
    const draws = eotDraws(this.eotSetting, classifier);
    const clean = successOf({ ...run, targets: undefined }, await logitsOf(run, x));
    const results: EpsilonResult<T>[] = [];
    try {
      for (let k = 0; k < run.epsilons.length; k++) {
        results.push(await this.attackOne(run, x, run.epsilons[k], draws, createRng(this.seed + 7919 * k)));
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
    eps: number,
    draws: number,
    rng: Rng,
  ): Promise<EpsilonResult<T>> {
    const { ops, classifier } = run;
    const [lo, hi] = classifier.bounds;
    const c = classifier.numClasses;
    const stepSize = this.relativeStepSize * eps;
    const w = (logits: Float32Array) => this.loss(logits, run.labels, c, run.targets).gradient;
    let xAdv = ops.tidy(() => ops.clip(this.project(run, x, this.start(run, x, eps, rng), eps), lo, hi));
    let found = copyOf(run, x);
    const success = new Uint8Array(run.batch);
    const record = (logits: Float32Array) => {
      const now = successOf(run, logits);
      const fresh = rowsWhere(now.map((s, i) => s & (1 - success[i])));
      if (fresh.length === 0) return;
      const next = ops.scatterRows(found, fresh, xAdv, fresh);
      ops.dispose(found);
      found = next;
      for (const i of fresh) success[i] = 1;
    };
    try {
      for (let s = 0; s < this.steps; s++) {
        const { logits, gradient } = await eotGradient(run, xAdv, w, draws);
        try {
          record(logits);
          const previous = xAdv;
          xAdv = ops.tidy(() => {
            const moved = ops.add(previous, ops.scale(this.normalise(run, gradient), stepSize));
            return ops.clip(this.project(run, x, moved, eps), lo, hi);
          });
          ops.dispose(previous);
        } finally {
          ops.dispose(gradient);
        }
      }
      record(await logitsOf(run, xAdv));
      const adversarial = ops.scatterRows(xAdv, rowsWhere(success), found, rowsWhere(success));
      return { eps, adversarial, success, robustAccuracy: fractionZero(success) };
    } finally {
      ops.dispose([xAdv, found]);
    }
  }
}
