// The training and attack options `train` and `compare` share, and their parsing into a CellSpec.
import {
  choiceListOption,
  choiceOption,
  integerOption,
  numberListOption,
  numberOption,
  type OptionSpecs,
  refuse,
} from './args';
import { listAttacks } from './attacks';
import type { CellSpec } from './cell';
import { parseCertifySettings } from './certification';
import { DATA_OPTIONS } from './command';

export const TRAINING_OPTIONS: OptionSpecs = {
  ...DATA_OPTIONS,
  epochs: { type: 'string', default: '8', value: 'N', help: 'training epochs' },
  batch: { type: 'string', default: '64', value: 'N', help: 'batch size' },
  lr: { type: 'string', default: '0.001', value: 'RATE', help: 'learning rate' },
  optimizer: { type: 'string', default: 'adam', value: 'NAME', help: 'adam, or sgd (Nesterov momentum 0.9)' },
  'noise-epochs': {
    type: 'string',
    value: 'N',
    help: "noise on for the first N epochs only (the paper's Table 3 halves)",
  },
  'lr-drop-every': {
    type: 'string',
    value: 'N',
    help: 'multiply the learning rate by --lr-drop-factor every N epochs',
  },
  'lr-drop-factor': {
    type: 'string',
    value: 'F',
    help: 'the step schedule\'s factor (default 0.2: the paper\'s "divided by 5")',
  },
  'lr-min-after-noise': {
    type: 'boolean',
    default: false,
    help: "with --noise-epochs: the schedule's minimum learning rate once the noise is off (the paper's Table 3)",
  },
  attacks: {
    type: 'string',
    default: '',
    value: 'LIST',
    help: `attacks run after training, comma-separated: ${listAttacks().join(', ')}`,
  },
  'attack-eps': {
    type: 'string',
    default: '0,0.02,0.05,0.1',
    value: 'LIST',
    help: 'attack strengths on [0, 1] pixels (8/255 = 0.031)',
  },
  'attack-limit': { type: 'string', value: 'N', help: 'attack the first N test images only' },
  workers: {
    type: 'string',
    value: 'N|auto',
    help: 'train on N worker threads, data-parallel (auto: one per core); default one thread',
  },
  'pgd-steps': {
    type: 'string',
    default: '10',
    value: 'N',
    help: 'PGD (step size 2.5·eps/steps, random start) and APGD iterations',
  },
  queries: {
    type: 'string',
    value: 'N',
    help: "Square's model queries per image, for square and autoattack (default 1000)",
  },
  'gaussian-augmentation': {
    type: 'string',
    value: 'SIGMA',
    help: "train on x + N(0, SIGMA²) (Cohen et al.'s Gaussian augmentation, for randomised smoothing)",
  },
  certify: {
    type: 'string',
    value: 'S,N0,N,A',
    help: "after training, certify the smoothed model (Cohen et al.'s CERTIFY: sigma, n0, n, alpha, e.g. 0.5,100,1000,0.001): certified accuracy against L2 radius",
  },
  'certify-limit': { type: 'string', value: 'N', help: 'certify the first N test images (default 200)' },
  'method-options': {
    type: 'string',
    value: 'JSON',
    help: 'each method\'s own options as JSON keyed by method name, {"METHOD":{"OPTION":VALUE,...},...} (checked by the registry; examples in the README)',
  },
};

type Values = Record<string, string | boolean | undefined>;

const optionalInt = (values: Values, name: string, min = 1) =>
  values[name] === undefined ? undefined : integerOption(name, String(values[name]), min);

/** Everything of a CellSpec except model, method, eps and seed. */
export function parseTrainingOptions(values: Values): Omit<CellSpec, 'model' | 'method' | 'eps' | 'seed'> {
  const attacksText = String(values.attacks ?? '').trim();
  return {
    data: String(values.data),
    epochs: integerOption('epochs', String(values.epochs)),
    batch: integerOption('batch', String(values.batch)),
    lr: positiveNumber('lr', String(values.lr)),
    optimizer: choiceOption('optimizer', String(values.optimizer), ['adam', 'sgd'] as const),
    noiseEpochs: optionalInt(values, 'noise-epochs', 0),
    lrDropEvery: optionalInt(values, 'lr-drop-every'),
    lrDropFactor:
      values['lr-drop-factor'] === undefined
        ? undefined
        : positiveNumber('lr-drop-factor', String(values['lr-drop-factor'])),
    lrMinAfterNoise: values['lr-min-after-noise'] === true ? true : undefined,
    trainLimit: optionalInt(values, 'train-limit'),
    testLimit: optionalInt(values, 'test-limit'),
    attacks: attacksText === '' ? [] : choiceListOption('attacks', attacksText, listAttacks()),
    attackEps: nonNegativeList('attack-eps', String(values['attack-eps'])),
    attackLimit: optionalInt(values, 'attack-limit'),
    pgdSteps: integerOption('pgd-steps', String(values['pgd-steps'])),
    queries: optionalInt(values, 'queries'),
    workers: workersOption(values.workers),
    methodOptions: parseMethodOptions(values['method-options']),
    gaussianAugmentation:
      values['gaussian-augmentation'] === undefined
        ? undefined
        : positiveNumber('gaussian-augmentation', String(values['gaussian-augmentation'])),
    certify: values.certify === undefined ? undefined : parseCertifySettings(String(values.certify)),
    certifyLimit: optionalInt(values, 'certify-limit'),
  };
}

function workersOption(value: Values[string]): number | 'auto' | undefined {
  if (value === undefined) return undefined;
  return String(value) === 'auto' ? 'auto' : integerOption('workers', String(value));
}

/** `--method-options`: a JSON object keyed by method name, each value an object (checked in depth by the registry). */
function parseMethodOptions(value: string | boolean | undefined): CellSpec['methodOptions'] {
  if (value === undefined) return undefined;
  const expected = 'a JSON object keyed by method name, {"METHOD":{"OPTION":VALUE}}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    refuse('method-options', expected, String(value));
  }
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(parsed) || !Object.values(parsed as object).every(isObject))
    refuse('method-options', expected, String(value));
  return parsed as CellSpec['methodOptions'];
}

function positiveNumber(option: string, text: string): number {
  const n = numberOption(option, text);
  if (!(n > 0)) refuse(option, 'a number > 0', text);
  return n;
}

function nonNegativeList(option: string, text: string): number[] {
  const list = numberListOption(option, text);
  if (list.some((e) => e < 0)) refuse(option, 'a comma-separated list of numbers >= 0', text);
  return list;
}
