import { choiceListOption, integerOption, numberListOption, refuse } from '../args';
import { listAttacks, runAttack } from '../attacks';
import { setUpBackend } from '../backend';
import { COMMON_OPTIONS, type Command, DATA_OPTIONS } from '../command';
import { createProgressBar } from '../progress-bar';
import { checkModelDir, loadSavedModel } from './load-saved';

export const attackCommand: Command = {
  name: 'attack',
  summary: 'robust accuracy of a saved model under attacks at several eps',
  usage: 'anl attack --model-dir DIR [--attack fgsm,pgd,apgd-ce] [--eps 0,0.02,0.05,0.1] [options]',
  description:
    'Attacks a model saved by `anl train --save-model DIR` on the test images (pixels in [0, 1]) and\n' +
    'prints its accuracy at every eps, with the binomial standard error of each. Attacks use the true\n' +
    'labels and the L-inf ball; APGD-T is APGD on the targeted DLR loss (9 target classes); autoattack\n' +
    'runs APGD-CE, APGD-T and Square in turn on the images still robust. APGD averages its gradients over\n' +
    '20 noise draws (EOT) when the model keeps noise on at inference (PNI).',
  options: {
    'model-dir': { type: 'string', value: 'DIR', help: 'folder written by anl train --save-model' },
    attack: {
      type: 'string',
      default: 'fgsm',
      value: 'LIST',
      help: `comma-separated: ${listAttacks().join(', ')}`,
    },
    eps: {
      type: 'string',
      default: '0,0.02,0.05,0.1',
      value: 'LIST',
      help: 'attack strengths on [0, 1] pixels',
    },
    'pgd-steps': { type: 'string', default: '10', value: 'N', help: 'PGD and APGD iterations' },
    queries: {
      type: 'string',
      default: '1000',
      value: 'N',
      help: "Square's model queries per image (square, autoattack)",
    },
    seed: { type: 'string', default: '0', value: 'N', help: 'seed of random starts and searches' },
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const attacks = choiceListOption('attack', String(values.attack), listAttacks());
    const epsilons = numberListOption('eps', String(values.eps));
    if (epsilons.some((e) => e < 0))
      refuse('eps', 'a comma-separated list of numbers >= 0', String(values.eps));
    const steps = integerOption('pgd-steps', String(values['pgd-steps']));
    const queries = integerOption('queries', String(values.queries));
    const seed = integerOption('seed', String(values.seed), 0);
    const testLimit =
      values['test-limit'] === undefined
        ? undefined
        : integerOption('test-limit', String(values['test-limit']));
    const dir = checkModelDir(values['model-dir']);
    const { disposeData, loadData } = await import('../data');
    const { binomialSe } = await import('../run-cell');
    const backend = await setUpBackend(values.backend);
    const model = await loadSavedModel(dir);
    try {
      const data = await loadData(String(values.data), { trainLimit: 1, testLimit });
      try {
        const bar = createProgressBar({ label: 'attacks', total: attacks.length });
        const results = [];
        for (const [i, attack] of attacks.entries()) {
          const r = await runAttack(
            attack,
            model,
            { xs: data.test.xs, labels: data.test.labels },
            { epsilons, steps, queries, seed },
          );
          results.push({
            ...r,
            rows: r.rows.map((row) => ({ ...row, se: binomialSe(row.accuracy, r.numExamples) })),
          });
          bar.update(i + 1, attack);
        }
        bar.finish();
        if (values.json) {
          process.stdout.write(
            `${JSON.stringify({ modelDir: values['model-dir'], data: data.name, backend, results })}\n`,
          );
        } else {
          for (const r of results) {
            process.stdout.write(
              `${r.attack} (${r.numExamples} images): ${r.rows.map((row) => `eps ${row.eps}: ${(100 * row.accuracy).toFixed(2)} ± ${(100 * row.se).toFixed(2)} %`).join(', ')}\n`,
            );
          }
        }
        return 0;
      } finally {
        disposeData(data);
      }
    } finally {
      model.dispose();
    }
  },
};
