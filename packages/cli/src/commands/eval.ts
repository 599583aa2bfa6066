import { integerOption } from '../args';
import { setUpBackend } from '../backend';
import { COMMON_OPTIONS, type Command, DATA_OPTIONS, log } from '../command';
import { checkModelDir, loadSavedModel } from './load-saved';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'test error of a saved model, with its binomial standard error',
  usage: 'anl eval --model-dir DIR [--data embedded] [options]',
  description:
    'Loads a model saved by `anl train --save-model DIR` and measures its test error in inference mode.',
  options: {
    'model-dir': { type: 'string', value: 'DIR', help: 'folder written by anl train --save-model' },
    ...DATA_OPTIONS,
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const testLimit =
      values['test-limit'] === undefined
        ? undefined
        : integerOption('test-limit', String(values['test-limit']));
    const dir = checkModelDir(values['model-dir']);
    const { disposeData, loadData } = await import('../data');
    const { binomialSe, testError } = await import('../run-cell');
    const backend = await setUpBackend(values.backend);
    const model = await loadSavedModel(dir);
    try {
      const data = await loadData(String(values.data), { trainLimit: 1, testLimit });
      try {
        const n = data.test.labels.length;
        const error = await testError(model, data.test.xs, data.test.labels);
        const result = {
          modelDir: values['model-dir'],
          data: data.name,
          backend,
          nTest: n,
          error,
          se: binomialSe(error, n),
        };
        log(`evaluated on ${n} test images`);
        process.stdout.write(
          values.json
            ? `${JSON.stringify(result)}\n`
            : `test error ${(100 * error).toFixed(2)} % ± ${(100 * result.se).toFixed(2)} (binomial SE, ${n} images)\n`,
        );
        return 0;
      } finally {
        disposeData(data);
      }
    } finally {
      model.dispose();
    }
  },
};
