// The WM paper's small-CNN comparison (its Table 1 skeletons, Table 2 and Fig. 2a) on Fashion-MNIST:
// the plain 33-33-8 CNN against the smoothing and unsharp 32-32-8 WM nets, trained alike (Adam with
// its default parameters, as the paper), then the clean test error and the error under uniform input
// noise U(0, a) renormalised into [0, 1] (the paper's noise test, mean of 3 draws).
//
//   node wm-table.mjs [--variants conv,smoothing,unsharp] [--epochs 3] [--seeds 1] [--batch 128]
//       [--train 60000] [--test 10000] [--levels 0.25,0.5,1,2]
//
// Writes results/wm_<variant>_s<seed>.json; summarise with `node wm-summarise.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { classifierFromLayersModel, evaluateRobustness } from '@anl/attacks';
import { wmCnn } from '@anl/models';
import * as tf from '@tensorflow/tfjs';
import {
  fail,
  loadFullFashionMnist,
  parseNumber,
  RESULTS_DIR,
  setUpBackend,
  testError,
} from './lib/common.mjs';

let parsed;
try {
  parsed = parseArgs({
    options: {
      variants: { type: 'string', default: 'conv,smoothing,unsharp' },
      epochs: { type: 'string', default: '3' },
      seeds: { type: 'string', default: '1' },
      batch: { type: 'string', default: '128' },
      train: { type: 'string', default: '60000' },
      test: { type: 'string', default: '10000' },
      levels: { type: 'string', default: '0.25,0.5,1,2' },
    },
    strict: true,
  });
} catch (error) {
  fail(error.message);
}
const args = parsed.values;
const variants = args.variants.split(',');
for (const v of variants)
  if (!['conv', 'smoothing', 'unsharp'].includes(v)) fail(`unknown variant ${JSON.stringify(v)}`);
const seeds = args.seeds.split(',').map((s) => parseNumber('seeds', s, { integer: true, min: 0 }));
const epochs = parseNumber('epochs', args.epochs, { integer: true, min: 1 });
const batchSize = parseNumber('batch', args.batch, { integer: true, min: 1 });
const levels = args.levels.split(',').map((a) => parseNumber('levels', a, { min: 0 }));

const backend = await setUpBackend();
const data = await loadFullFashionMnist(
  parseNumber('train', args.train, { integer: true, min: 1 }),
  parseNumber('test', args.test, { integer: true, min: 1 }),
);
console.log(`${backend}; ${data.train.xs.shape[0]} train / ${data.test.xs.shape[0]} test`);
mkdirSync(RESULTS_DIR, { recursive: true });

for (const seed of seeds) {
  for (const variant of variants) {
    const name = `wm_${variant}_s${seed}`;
    const model = wmCnn({ variant, seed });
    model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy', metrics: ['acc'] });
    const epochSeconds = [];
    const testErrors = [];
    let t0 = 0;
    await model.fit(data.train.xs, data.train.ys, {
      epochs,
      batchSize,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochBegin: () => {
          t0 = performance.now();
        },
        onEpochEnd: (epoch, logs) => {
          epochSeconds.push((performance.now() - t0) / 1000);
          testErrors.push(testError(model, data.test.xs, data.test.labels));
          console.log(
            `${name} epoch ${epoch + 1}/${epochs} loss ${logs.loss.toFixed(4)} test err ${(testErrors.at(-1) * 100).toFixed(2)}% (${epochSeconds.at(-1).toFixed(0)} s)`,
          );
        },
      },
    });
    const classifier = classifierFromLayersModel(model, { bounds: [0, 1] });
    const report = await evaluateRobustness(
      classifier,
      { xs: data.test.xs, labels: data.test.labels },
      { attack: 'uniform', epsilons: levels, trials: 3, seed, batchSize: 500 },
    );
    const result = {
      name,
      variant,
      seed,
      params: model.countParams(),
      epochs,
      batchSize,
      optimizer: 'Adam (tfjs defaults: lr 0.001, beta1 0.9, beta2 0.999)',
      trainImages: data.train.xs.shape[0],
      testImages: data.test.xs.shape[0],
      testErrorPerEpoch: testErrors,
      epochSeconds,
      uniformNoise: report,
      backend,
      finishedAt: new Date().toISOString(),
    };
    writeFileSync(`${RESULTS_DIR}/${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `${name}: clean ${(report.clean.error * 100).toFixed(2)}%, ${report.rows.map((r) => `a=${r.eps}: ${(r.error * 100).toFixed(2)}%`).join(', ')}`,
    );
    model.dispose();
  }
}
