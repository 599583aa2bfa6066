import { integerOption } from '../args';
import { setUpBackend } from '../backend';
import {
  type CertificationResult,
  certifiedAccuracyAt,
  DEFAULT_CERTIFY_LIMIT,
  parseCertifySettings,
  runCertification,
} from '../certification';
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
    certify: {
      type: 'string',
      value: 'S,N0,N,A',
      help: "also certify the smoothed model (Cohen et al.'s CERTIFY: sigma, n0, n, alpha, e.g. 0.5,100,1000,0.001)",
    },
    'certify-limit': { type: 'string', value: 'N', help: 'certify the first N test images (default 200)' },
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const testLimit =
      values['test-limit'] === undefined
        ? undefined
        : integerOption('test-limit', String(values['test-limit']));
    const dir = checkModelDir(values['model-dir']);
    const certify = values.certify === undefined ? undefined : parseCertifySettings(String(values.certify));
    const certifyLimit =
      values['certify-limit'] === undefined
        ? DEFAULT_CERTIFY_LIMIT
        : integerOption('certify-limit', String(values['certify-limit']));
    const { disposeData, loadData } = await import('../data');
    const { binomialSe, testError } = await import('../run-cell');
    const backend = await setUpBackend(values.backend);
    const model = await loadSavedModel(dir);
    try {
      const data = await loadData(String(values.data), { trainLimit: 1, testLimit });
      try {
        const n = data.test.labels.length;
        const error = await testError(model, data.test.xs, data.test.labels);
        let certification: CertificationResult | undefined;
        if (certify !== undefined) {
          const { slice } = await import('@tensorflow/tfjs');
          const m = Math.min(certifyLimit, n);
          const xs = slice(data.test.xs, 0, m);
          try {
            certification = await runCertification(model, xs, data.test.labels.slice(0, m), certify, 0);
          } finally {
            xs.dispose();
          }
        }
        const result = {
          modelDir: values['model-dir'],
          data: data.name,
          backend,
          nTest: n,
          error,
          se: binomialSe(error, n),
          ...(certification === undefined ? {} : { certification }),
        };
        log(`evaluated on ${n} test images`);
        process.stdout.write(
          values.json
            ? `${JSON.stringify(result)}\n`
            : `test error ${(100 * error).toFixed(2)} % ± ${(100 * result.se).toFixed(2)} (binomial SE, ${n} images)\n${certificationLine(certification)}`,
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

/** "certified accuracy (sigma 0.5, 200 images): r=0 81.0%, r=0.25 ..." or nothing. */
function certificationLine(c: CertificationResult | undefined): string {
  if (c === undefined) return '';
  const radii = [0, 0.25, 0.5, 1];
  const accuracy = certifiedAccuracyAt(c.correctRadii, radii);
  return `certified accuracy (sigma ${c.sigma}, ${c.images} images, ${c.abstained} abstained): ${radii.map((r, i) => `r=${r} ${(100 * accuracy[i]).toFixed(1)}%`).join(', ')}\n`;
}
