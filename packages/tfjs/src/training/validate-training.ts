import { AnlError, type CheckedFit, checkFitOptions, invalidArgument } from '@anl/core';
import { type Optimizer, Tensor } from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import { findNoiseLayers } from '../layers/find-noise-layers';
import { setLearningRate } from './learning-rate';
import type { BatchDataset, TrainingData, TrainWithNoiseOptions, XY } from './train-options';

/** The keys `trainWithNoise` adds to core's `FitOptions`; any other key is refused by name. */
export const TFJS_TRAIN_OPTION_KEYS: readonly string[] = [
  'batchSize',
  'optimizer',
  'loss',
  'shuffle',
  'validationData',
  'validationSplit',
  'callbacks',
  'batchTransform',
  'verbose',
  'workers',
  'workerBackend',
  'workerModules',
];

/** Everything `trainWithNoise` needs, checked before anything changes. */
export interface CheckedTraining {
  /** Core's checks: the method, its options, the schedule, the loop's options. */
  readonly fit: CheckedFit;
  readonly optimizer: Optimizer;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly numClasses: number;
  readonly validation?: XY;
  readonly validationSplit?: number;
  readonly verbose: 0 | 1;
}

export function isDataset(data: TrainingData): data is BatchDataset {
  return typeof (data as Partial<BatchDataset>)?.iterator === 'function';
}

function assertIntegerAtLeast(value: unknown, min: number, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalidArgument(argument, `an integer >= ${min}`, value);
  }
  return value;
}

/** Checks the model and the options that do not need the data. */
export function checkTraining(model: LayersModel, options: TrainWithNoiseOptions): CheckedTraining {
  if (!(model instanceof LayersModel)) invalidArgument('model', 'a tf.LayersModel', model);
  if (typeof options !== 'object' || options === null) invalidArgument('options', 'an object', options);
  if (model.inputs.length !== 1) {
    throw new AnlError('UNSUPPORTED', `model must have one input, got ${model.inputs.length}`, {
      argument: 'model',
    });
  }
  const optimizer = options.optimizer ?? (model as { optimizer?: Optimizer }).optimizer;
  if (optimizer == null || typeof (optimizer as Partial<Optimizer>).applyGradients !== 'function') {
    invalidArgument(
      'options.optimizer',
      'a tfjs Optimizer (e.g. tf.train.sgd(0.01)), or a model compiled with one',
      options.optimizer,
    );
  }
  const batchSize = assertIntegerAtLeast(options.batchSize ?? 32, 1, 'options.batchSize');
  const outputShape = model.outputs[0].shape;
  const width = outputShape[outputShape.length - 1];
  const numClasses = options.numClasses ?? width ?? undefined;
  assertIntegerAtLeast(numClasses, 1, 'options.numClasses');
  if (width != null && numClasses !== width) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `options.numClasses must equal the model's output width ${width}, got ${numClasses}`,
      { argument: 'options.numClasses' },
    );
  }
  const fit = checkFitOptions(
    { ...options, numClasses },
    TFJS_TRAIN_OPTION_KEYS,
    learningRateHook(optimizer, options),
  );
  // Input-space methods (adversarial training) perturb the inputs: no noise layers needed.
  const perturbsActivations = fit.definition.perturbs !== 'inputs';
  if (fit.definition.injectsNoise && perturbsActivations && findNoiseLayers(model).length === 0) {
    throw new AnlError(
      'NOT_FOUND',
      `method '${fit.definition.name}' needs noise layers, but the model has none; add them with insertNoiseLayers(model, { after: [...] }) or noiseLayer()`,
      { argument: 'model' },
    );
  }
  if (options.batchTransform !== undefined && typeof options.batchTransform !== 'function') {
    invalidArgument('options.batchTransform', '({ xs, ys }) => { xs, ys }', options.batchTransform);
  }
  if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean') {
    invalidArgument('options.shuffle', 'a boolean', options.shuffle);
  }
  const split = options.validationSplit;
  if (split !== undefined && (typeof split !== 'number' || !(split > 0 && split < 1))) {
    invalidArgument('options.validationSplit', 'a number in (0, 1)', split);
  }
  if (split !== undefined && options.validationData !== undefined) {
    invalidArgument('options.validationSplit', 'unset when options.validationData is given', split);
  }
  const workers = options.workers;
  if (
    workers !== undefined &&
    workers !== 'auto' &&
    !(typeof workers === 'number' && Number.isInteger(workers) && workers >= 1 && workers <= 256)
  ) {
    invalidArgument('options.workers', "'auto' or an integer in [1, 256]", workers);
  }
  const workerBackend = options.workerBackend;
  if (workerBackend !== undefined && workerBackend !== 'wasm' && workerBackend !== 'cpu') {
    invalidArgument('options.workerBackend', "'wasm' or 'cpu'", workerBackend);
  }
  const modules = options.workerModules;
  if (modules !== undefined && !(Array.isArray(modules) && modules.every((m) => typeof m === 'string'))) {
    invalidArgument('options.workerModules', 'an array of module names or URLs', modules);
  }
  const verbose = options.verbose ?? 0;
  if (verbose !== 0 && verbose !== 1) invalidArgument('options.verbose', '0 or 1', verbose);
  return {
    fit,
    optimizer,
    batchSize,
    shuffle: options.shuffle ?? true,
    numClasses: numClasses as number,
    validation: validationOf(options.validationData),
    validationSplit: split,
    verbose,
  };
}

/** The hook that sets the learning rate, when the optimizer has a numeric one. */
function learningRateHook(optimizer: Optimizer, options: TrainWithNoiseOptions) {
  const settable = optimizer as unknown as { setLearningRate?: unknown; learningRate?: unknown };
  if (typeof settable.setLearningRate !== 'function' && typeof settable.learningRate !== 'number') {
    if (options.learningRate !== undefined) {
      throw new AnlError(
        'UNSUPPORTED',
        'options.learningRate needs an optimizer with a numeric learningRate (sgd, momentum, adam, rmsprop, ...)',
        { argument: 'options.learningRate' },
      );
    }
    return {};
  }
  return { setLearningRate: (rate: number) => setLearningRate(optimizer, rate) };
}

function validationOf(data: TrainWithNoiseOptions['validationData']): XY | undefined {
  if (data === undefined) return undefined;
  const xy = Array.isArray(data) ? { xs: data[0], ys: data[1] } : (data as XY);
  if (!(xy?.xs instanceof Tensor) || !(xy?.ys instanceof Tensor)) {
    invalidArgument('options.validationData', '{ xs, ys } or [xs, ys] tensors', data);
  }
  return xy;
}

/** Checks tensor inputs against the model's input shape and a row count. */
export function checkInputs(model: LayersModel, xs: unknown, argument: string): Tensor {
  if (!(xs instanceof Tensor)) invalidArgument(argument, 'a tf.Tensor', xs);
  const expected = model.inputs[0].shape.slice(1);
  const got = xs.shape.slice(1);
  const fits = got.length === expected.length && expected.every((d, i) => d == null || d === got[i]);
  if (!fits || xs.shape[0] < 1) {
    throw new AnlError(
      'SHAPE_MISMATCH',
      `${argument} must have shape [N >= 1, ${expected.map((d) => d ?? '*').join(', ')}], got [${xs.shape}]`,
      { argument },
    );
  }
  return xs;
}

/** Checks that `ys` is a tensor (its shape is checked against the classes by `targetFormat`). */
export function checkTargets(ys: unknown, argument: string): Tensor {
  if (!(ys instanceof Tensor)) invalidArgument(argument, 'a tf.Tensor', ys);
  return ys;
}
