// Trains one cell and measures everything the report plots: per-epoch curves, activation std per noise
// layer, first-layer feature maps, the gradient-similarity matrix, and robust accuracy per attack.
import { trainWithNoise } from '@anl/tfjs';
import * as tf from '@tensorflow/tfjs';
import { type AttackResult, runAttack } from './attacks';
import { CELL_SCHEMA, type CellSpec, cellId, learningRateAt } from './cell';
import { type CertificationResult, DEFAULT_CERTIFY_LIMIT, runCertification } from './certification';
import type { LoadedData } from './data';
import { methodTakesEps, trainerMethod } from './methods';
import { buildModel } from './model-builders';
import {
  activationStds,
  balancedIndices,
  type FeatureMaps,
  firstLayerFeatureMaps,
  type GradientSimilarity,
  gradientSimilarity,
  noiseLayerNames,
} from './probes';
import { createProgressBar, formatSeconds } from './progress-bar';

export interface EpochRecord {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testError: number;
  eps: number;
  seconds: number;
}

/** The JSON a cell writes; `report` reads any number of these, wherever they ran. */
export interface CellResult {
  schema: typeof CELL_SCHEMA;
  id: string;
  spec: CellSpec;
  env: { backend: string; tfjs: string; node: string; finishedAt: string };
  data: { name: string; dir: string; nTrain: number; nTest: number };
  train: { seconds: number; epochs: EpochRecord[] };
  /** Test error of the final model; se is the binomial standard error sqrt(p(1-p)/n). */
  clean: { error: number; se: number; nTest: number };
  /** std of each noise layer's activations on a fixed probe batch, before training (epoch 0) and after each epoch. */
  activationStd: { layers: string[]; perEpoch: { epoch: number; std: number[] }[] };
  featureMaps?: FeatureMaps;
  gradientSimilarity?: GradientSimilarity;
  robustness: (Omit<AttackResult, 'rows'> & {
    rows: { eps: number; accuracy: number; error: number; se: number }[];
  })[];
  /** With --certify: the smoothed model's certificates (see CertificationResult). */
  certification?: CertificationResult;
}

/**
 * Test error of `model` on `data.test` in chunks (inference mode: noise layers are the identity). Reads
 * asynchronously: the webgpu backend in Node has no synchronous reads.
 */
export async function testError(model: tf.LayersModel, xs: tf.Tensor, labels: Int32Array): Promise<number> {
  let wrong = 0;
  const n = labels.length;
  for (let start = 0; start < n; start += 500) {
    const size = Math.min(500, n - start);
    const classes = tf.tidy(() => tf.argMax(model.predict(tf.slice(xs, start, size)) as tf.Tensor, 1));
    const predicted = await classes.data();
    classes.dispose();
    for (let i = 0; i < size; i++) if (predicted[i] !== labels[start + i]) wrong++;
  }
  return wrong / n;
}

/** Binomial standard error of a rate p measured on n examples. */
export function binomialSe(p: number, n: number): number {
  return Math.sqrt((p * (1 - p)) / n);
}

async function gaussianAugmentationTransform(sigma: number, seed: number) {
  const { gaussianAugmentation } = await import('@anl/attacks');
  return gaussianAugmentation({ sigma, seed });
}

export interface RunCellOptions {
  backend: string;
  /** Prefix of the progress lines (the cell id by default). */
  label?: string;
  /** Keep the trained model (the caller disposes it). */
  keepModel?: boolean;
}

export async function runCell(
  spec: CellSpec,
  data: LoadedData,
  options: RunCellOptions,
): Promise<{ result: CellResult; model?: tf.LayersModel }> {
  const id = cellId(spec);
  const label = options.label ?? id;
  const nTrain = data.train.labels.length;
  const nTest = data.test.labels.length;
  const model = buildModel(spec.model, {
    seed: spec.seed,
    inputShape: data.inputShape,
    numClasses: data.numClasses,
  });
  const probeSize = Math.min(256, nTest);
  const probe = tf.slice(data.test.xs, 0, probeSize);
  const layers = noiseLayerNames(model);
  const perEpoch = [{ epoch: 0, std: await activationStds(model, probe) }];
  const epochs: EpochRecord[] = [];
  const batches = Math.ceil(nTrain / spec.batch);
  const optimizer =
    spec.optimizer === 'adam' ? tf.train.adam(spec.lr) : tf.train.momentum(spec.lr, 0.9, true);
  let bar = createProgressBar({ label, total: batches });
  let trainSeconds = 0;
  try {
    const history = await trainWithNoise(model, data.train, {
      method: trainerMethod(spec.method),
      eps: methodTakesEps(spec.method) ? spec.eps : undefined,
      methodOptions: spec.methodOptions,
      batchTransform:
        spec.gaussianAugmentation === undefined
          ? undefined
          : await gaussianAugmentationTransform(spec.gaussianAugmentation, spec.seed),
      noiseEpochs: spec.noiseEpochs,
      epochs: spec.epochs,
      batchSize: spec.batch,
      optimizer,
      seed: spec.seed,
      learningRate: (epoch) => learningRateAt(spec, epoch),
      // The replicas train on the same kind of backend; @anl/models registers its layers there.
      ...(spec.workers === undefined
        ? {}
        : {
            workers: spec.workers,
            workerBackend: tf.getBackend() === 'cpu' ? ('cpu' as const) : ('wasm' as const),
            workerModules: ['@anl/models'],
          }),
      callbacks: {
        onEpochBegin: (epoch) => {
          bar = createProgressBar({ label: `${label} epoch ${epoch + 1}/${spec.epochs}`, total: batches });
        },
        onBatchEnd: (batch, logs) => bar.update(batch + 1, `loss ${(logs?.loss ?? Number.NaN).toFixed(3)}`),
        onEpochEnd: async (epoch, logs) => {
          const error = await testError(model, data.test.xs, data.test.labels);
          const seconds = bar.finish(
            `loss ${(logs?.loss ?? Number.NaN).toFixed(3)} test err ${(100 * error).toFixed(2)}%`,
          );
          trainSeconds += seconds;
          epochs.push({
            epoch: epoch + 1,
            loss: logs?.loss ?? Number.NaN,
            trainAccuracy: logs?.acc ?? Number.NaN,
            testError: error,
            eps: 0,
            seconds,
          });
          perEpoch.push({ epoch: epoch + 1, std: await activationStds(model, probe) });
        },
      },
    });
    history.history.eps.forEach((e, i) => {
      if (epochs[i]) epochs[i].eps = e;
    });
    const error = await testError(model, data.test.xs, data.test.labels);
    const figureIndex = 0;
    const image = tf.slice(data.test.xs, figureIndex, 1);
    const featureMaps = await firstLayerFeatureMaps(model, image, data.test.labels[figureIndex]);
    image.dispose();
    const simIndices = balancedIndices(data.test.labels, data.numClasses, 20);
    const simXs = tf.gather(data.test.xs, simIndices);
    const similarity = await gradientSimilarity(
      model,
      simXs,
      Int32Array.from(simIndices.map((i) => data.test.labels[i])),
      data.numClasses,
    );
    simXs.dispose();
    const robustness: CellResult['robustness'] = [];
    const nAttack = Math.min(spec.attackLimit ?? nTest, nTest);
    if (spec.attacks.length > 0) {
      const xs = tf.slice(data.test.xs, 0, nAttack);
      try {
        for (const attack of spec.attacks) {
          const started = Date.now();
          process.stderr.write(
            `${label} ${attack} on ${nAttack} test images at eps ${spec.attackEps.join(', ')} ...\n`,
          );
          const r = await runAttack(
            attack,
            model,
            { xs, labels: data.test.labels.slice(0, nAttack) },
            {
              epsilons: spec.attackEps,
              steps: spec.pgdSteps,
              queries: spec.queries,
              seed: spec.seed,
            },
          );
          process.stderr.write(
            `${label} ${attack}: ${r.rows.map((row) => `eps ${row.eps} acc ${(100 * row.accuracy).toFixed(1)}%`).join(', ')} (${formatSeconds((Date.now() - started) / 1000)})\n`,
          );
          robustness.push({
            ...r,
            rows: r.rows.map((row) => ({ ...row, se: binomialSe(row.accuracy, r.numExamples) })),
          });
        }
      } finally {
        xs.dispose();
      }
    }
    let certification: CertificationResult | undefined;
    if (spec.certify !== undefined) {
      const n = Math.min(spec.certifyLimit ?? DEFAULT_CERTIFY_LIMIT, nTest);
      const xs = tf.slice(data.test.xs, 0, n);
      const certifyBar = createProgressBar({ label: `${label} certify ${n} images`, total: 1 });
      try {
        certification = await runCertification(
          model,
          xs,
          data.test.labels.slice(0, n),
          spec.certify,
          spec.seed,
          (done, total) => certifyBar.update(done / total),
        );
      } finally {
        xs.dispose();
      }
      certifyBar.finish(`${certification.abstained} abstained`);
    }
    const result: CellResult = {
      schema: CELL_SCHEMA,
      id,
      spec,
      env: {
        backend: options.backend,
        tfjs: tf.version.tfjs,
        node: process.version,
        finishedAt: new Date().toISOString(),
      },
      data: { name: data.name, dir: data.dir, nTrain, nTest },
      train: { seconds: trainSeconds, epochs },
      clean: { error, se: binomialSe(error, nTest), nTest },
      activationStd: { layers, perEpoch },
      featureMaps,
      gradientSimilarity: similarity,
      robustness,
      ...(certification === undefined ? {} : { certification }),
    };
    return options.keepModel ? { result, model } : { result };
  } finally {
    probe.dispose();
    optimizer.dispose();
    if (!options.keepModel) model.dispose();
  }
}
