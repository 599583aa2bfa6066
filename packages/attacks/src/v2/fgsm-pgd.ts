import { DescentAttack, type DescentSettings } from './descent-attack';

/** Settings of FGSM: one step of eps, no random start. */
export type FgsmAttackSettings = Pick<DescentSettings, 'loss' | 'targeted' | 'eot'>;

/** FGSM (Goodfellow et al. 2015): one L∞ descent step of length eps from x itself. */
export class FgsmAttack extends DescentAttack {
  constructor(settings: FgsmAttackSettings = {}) {
    super('FGSM', 'linf', { ...settings, steps: 1, relativeStepSize: 1, randomStart: false });
  }
}

/** PGD in the L∞ ball (Madry et al. 2018). */
export class LinfPgdAttack extends DescentAttack {
  constructor(settings: DescentSettings = {}) {
    super(`PGD-${settings.steps ?? 10}`, 'linf', settings);
  }
}

/** PGD in the L2 ball. */
export class L2PgdAttack extends DescentAttack {
  constructor(settings: DescentSettings = {}) {
    super(`PGD-L2-${settings.steps ?? 10}`, 'l2', settings);
  }
}
