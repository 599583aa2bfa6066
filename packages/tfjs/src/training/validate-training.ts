import {
  AnlError,
  getNoiseMethod,
  invalidArgument,
  type NoiseMethod,
  type NoiseMethodDefinition,
  type StepSettings,
  settingsForEpoch,
} from '@anl/core';
import { type Optimizer, Tensor } from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import { findNoiseLayers } from '../layers/find-noise-layers';
import type { BatchDataset, TrainCallbacks, TrainingData, TrainWithNoiseOptions, XY } from './train-options';

/** Everything `trainWithNoise` needs, checked before anything changes. */
export interface CheckedTraining {
  readonly method: NoiseMethod;
  readonly definition: NoiseMethodDefinition<object>;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly numClasses: number;
  /** Step settings of every epoch (the schedule evaluated up front). */
  readonly settings: readonly StepSettings[];
  /** Learning rate of every epoch, when a learning-rate schedule was given. */
  readonly learningRates?: readonly number[];
  readonly callbacks: readonly TrainCallbacks[];
  readonly validation?: XY;
}

const CALLBACK_HOOKS = [
  'onTrainBegin',
  'onTrainEnd',
  'onEpochBegin',
  'onEpochEnd',
  'onBatchBegin',
  'onBatchEnd',
];

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
  const method = options.method;
  const definition = getNoiseMethod(method, 'options.method');
  if (definition.injectsNoise && findNoiseLayers(model).length === 0) {
    throw new AnlError(
      'NOT_FOUND',
      `method '${method}' needs noise layers, but the model has none; add them with insertNoiseLayers(model, { after: [...] }) or noiseLayer()`,
      { argument: 'model' },
    );
  }
  if (
    options.optimizer == null ||
    typeof (options.optimizer as Partial<Optimizer>).applyGradients !== 'function'
  ) {
    invalidArgument('options.optimizer', 'a tfjs Optimizer (e.g. tf.train.sgd(0.01))', options.optimizer);
  }
  const epochs = assertIntegerAtLeast(options.epochs, 1, 'options.epochs');
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
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    invalidArgument('options.seed', 'an integer in [0, 2^32)', seed);
  }
  if (options.batchTransform !== undefined && typeof options.batchTransform !== 'function') {
    invalidArgument('options.batchTransform', '({ xs, ys }) => { xs, ys }', options.batchTransform);
  }
  if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean') {
    invalidArgument('options.shuffle', 'a boolean', options.shuffle);
  }
  return {
    method,
    epochs,
    batchSize,
    seed,
    shuffle: options.shuffle ?? true,
    numClasses: numClasses as number,
    definition,
    settings: scheduleOf(definition, options, epochs),
    learningRates: learningRatesOf(options, epochs),
    callbacks: callbacksOf(options.callbacks),
    validation: validationOf(options.validationData),
  };
}

function scheduleOf(
  definition: NoiseMethodDefinition<object>,
  options: TrainWithNoiseOptions,
  epochs: number,
): StepSettings[] {
  const eps = options.eps;
  if (eps === undefined && definition.injectsNoise) {
    invalidArgument('options.eps', `a number or (epoch) => number for method '${definition.name}'`, eps);
  }
  if (eps !== undefined && typeof eps !== 'function' && (typeof eps !== 'number' || !Number.isFinite(eps))) {
    invalidArgument('options.eps', 'a finite number (negative is legal) or (epoch) => number', eps);
  }
  if (options.noiseEpochs !== undefined) assertIntegerAtLeast(options.noiseEpochs, 0, 'options.noiseEpochs');
  const schedule = { eps: eps ?? 0, noiseEpochs: options.noiseEpochs };
  const settings: StepSettings[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const s = settingsForEpoch(schedule, epoch);
    settings.push(definition.injectsNoise ? s : { ...s, noise: false });
  }
  return settings;
}

function learningRatesOf(options: TrainWithNoiseOptions, epochs: number): number[] | undefined {
  const schedule = options.learningRate;
  if (schedule === undefined) return undefined;
  if (typeof schedule !== 'function') invalidArgument('options.learningRate', '(epoch) => number', schedule);
  const optimizer = options.optimizer as unknown as { setLearningRate?: unknown; learningRate?: unknown };
  if (typeof optimizer.setLearningRate !== 'function' && typeof optimizer.learningRate !== 'number') {
    throw new AnlError(
      'UNSUPPORTED',
      'options.learningRate needs an optimizer with a numeric learningRate (sgd, momentum, adam, rmsprop, ...)',
      { argument: 'options.learningRate' },
    );
  }
  const rates: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = schedule(epoch);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      invalidArgument(`options.learningRate(${epoch})`, 'a finite number > 0', rate);
    }
    rates.push(rate);
  }
  return rates;
}

function callbacksOf(callbacks: TrainWithNoiseOptions['callbacks']): TrainCallbacks[] {
  if (callbacks === undefined) return [];
  const list = Array.isArray(callbacks) ? [...callbacks] : [callbacks as TrainCallbacks];
  list.forEach((callback, i) => {
    if (typeof callback !== 'object' || callback === null) {
      invalidArgument(`options.callbacks[${i}]`, 'an object of hooks (onEpochEnd, ...)', callback);
    }
    for (const hook of CALLBACK_HOOKS) {
      const fn = (callback as Record<string, unknown>)[hook];
      if (fn !== undefined && typeof fn !== 'function') {
        invalidArgument(`options.callbacks[${i}].${hook}`, 'a function', fn);
      }
    }
  });
  return list;
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
