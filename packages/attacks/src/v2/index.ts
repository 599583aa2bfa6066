export { ApgdAttack, type ApgdSettings } from './apgd';
export type { AttackClassifier, ClassifierGradient, OutputGradient } from './attack-classifier';
export type { Attack, AttackLabels, AttackResult, AttackRunOptions, EpsilonResult } from './attack-run';
export {
  type AutoAttackOptions,
  type AutoAttackResult,
  type AutoAttackStage,
  autoAttack,
  autoAttackAsync,
  autoAttackSequence,
} from './auto-attack';
export { DescentAttack, type DescentSettings } from './descent-attack';
export { FgsmAttack, type FgsmAttackSettings, L2PgdAttack, LinfPgdAttack } from './fgsm-pgd';
export { type AttackLoss, crossEntropyLoss, dlrLoss, type LossValue, margins } from './losses';
export { type MaskingEvidence, type MaskingFlag, maskingChecks } from './masking-checks';
export { l2Ball, linfBall, type NormBall } from './norm-ball';
export { SquareAttack, type SquareSettings } from './square';
export { type TfjsAttackClassifierOptions, tfjsAttackClassifier } from './tfjs-attack-classifier';
