import { choiceOption, integerOption, numberOption, refuse } from '../args';
import { setUpBackend } from '../backend';
import { type CellSpec, writeJsonAtomic } from '../cell';
import { COMMON_OPTIONS, type Command, log } from '../command';
import { baselineMethod, listMethods, methodEpsMeaning, methodTakesEps } from '../methods';
import { listModels } from '../models';
import { formatCellSummary } from '../summary';
import { parseTrainingOptions, TRAINING_OPTIONS } from '../train-options';

type Values = Record<string, string | boolean | undefined>;

/** model, method, eps and seed from the command line, checked (before anything is loaded). */
export function parseCellIdentity(values: Values): Pick<CellSpec, 'model' | 'method' | 'eps' | 'seed'> {
  const model = choiceOption('model', String(values.model), listModels());
  const method = choiceOption('method', String(values.method), listMethods(), 'UNKNOWN_METHOD');
  let eps: number | undefined;
  if (methodTakesEps(method)) {
    if (values.eps === undefined)
      refuse('eps', `a number for --method ${method} (the paper's 0.03, say)`, '');
    eps = numberOption('eps', String(values.eps));
    if (eps < 0 && methodEpsMeaning(method) === 'L∞ input radius')
      refuse('eps', `a radius >= 0 for --method ${method} (eps is its L∞ input radius)`, String(values.eps));
  } else if (values.eps !== undefined) {
    refuse('eps', 'unset with --method none (the baseline has no noise)', String(values.eps));
  }
  return { model, method, eps, seed: integerOption('seed', String(values.seed), 0) };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train one model with one noise method, measure it, write one result file',
  usage: 'anl train [--model lenet5] [--method anl --eps 0.03] [--seed 1] [--out result.json] [options]',
  description:
    "Trains a model (noise layers at the paper's positions) with a noise method, then records the test\n" +
    'error (with its binomial standard error), per-epoch curves, the activation std of every noise layer\n' +
    'per epoch, the first-layer feature maps, the per-class gradient similarity (Eq. 5) and, with\n' +
    '--attacks, robust accuracy per attack and eps. `anl report` plots these.',
  options: {
    model: { type: 'string', default: 'lenet5', value: 'NAME', help: `network: ${listModels().join(', ')}` },
    method: {
      type: 'string',
      default: baselineMethod,
      value: 'NAME',
      help: `noise method: ${listMethods().join(', ')}`,
    },
    eps: {
      type: 'string',
      value: 'E',
      help: 'noise magnitude, or the L∞ input radius for fgsm-at, pgd-at, fast-at and trades (required unless --method none; negative noise: --eps=-0.03)',
    },
    seed: { type: 'string', default: '1', value: 'N', help: 'initial weights, batch order and noise draws' },
    ...TRAINING_OPTIONS,
    out: {
      type: 'string',
      value: 'FILE',
      help: 'write the result JSON here (atomically: temp file + rename)',
    },
    'save-model': {
      type: 'string',
      value: 'DIR',
      help: 'save the trained model (model.json + weights.bin) for eval/attack',
    },
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const spec: CellSpec = { ...parseCellIdentity(values), ...parseTrainingOptions(values) };
    // Heavy modules (tfjs, the models) load only now, after the arguments are checked.
    const { saveModel } = await import('@anl/tfjs/node');
    const { disposeData, loadData } = await import('../data');
    const { runCell } = await import('../run-cell');
    const backend = await setUpBackend(values.backend);
    const data = await loadData(spec.data, { trainLimit: spec.trainLimit, testLimit: spec.testLimit });
    try {
      log(
        `${spec.data}: ${data.train.labels.length} train / ${data.test.labels.length} test images (${data.dir})`,
      );
      const { result, model } = await runCell(spec, data, {
        backend,
        keepModel: values['save-model'] !== undefined,
      });
      if (model !== undefined) {
        await saveModel(model, String(values['save-model']));
        model.dispose();
        log(`model saved to ${values['save-model']}`);
      }
      if (values.out !== undefined) {
        writeJsonAtomic(String(values.out), result);
        log(`result written to ${values.out}`);
      }
      process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatCellSummary(result));
      return 0;
    } finally {
      disposeData(data);
    }
  },
};
