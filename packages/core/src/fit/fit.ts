import { AnlError, invalidArgument } from '../errors';
import { createRng } from '../rng/create-rng';
import { settingsForEpoch } from '../schedule/noise-schedule';
import { assertInteger } from '../shape';
import type { StepSettings } from '../training/algorithm';
import { createTrainingAlgorithm } from '../training/create-training-algorithm';
import { requireLossPass } from '../training/loss-pass';
import type { NoiseMethodDefinition } from '../training/methods/method-definition';
import { algorithmOptionKeys, resolveOptions } from '../training/options';
import type { TrainableModelV1 } from '../training/trainable-model';
import { CallbackList } from './callback-list';
import { EpochMetrics } from './epoch-metrics';
import {
  FIT_OPTION_KEYS,
  type FitBatch,
  type FitBatchIterable,
  type FitCallbacks,
  type FitData,
  type FitHistory,
  type FitHooks,
  type FitLogs,
  type FitOptions,
} from './fit-options';

const CALLBACK_HOOKS = [
  'onTrainBegin',
  'onTrainEnd',
  'onEpochBegin',
  'onEpochEnd',
  'onBatchBegin',
  'onBatchEnd',
] as const;

/** `fit`'s options after the checks: everything decided before the first weight changes. */
export interface CheckedFit {
  readonly definition: NoiseMethodDefinition<object>;
  readonly epochs: number;
  readonly seed: number;
  /** Step settings of every epoch (the schedule evaluated up front). */
  readonly settings: readonly StepSettings[];
  readonly learningRates?: readonly number[];
  readonly callbacks: readonly FitCallbacks[];
}

/**
 * Checks `fit`'s options (the method's through the registry, the schedule, the loop's) and throws
 * AnlError naming the first bad one. `extraKeys`: an adapter's own option keys, also allowed.
 */
export function checkFitOptions(
  options: FitOptions,
  extraKeys: readonly string[] = [],
  hooks: Pick<FitHooks<unknown>, 'setLearningRate'> = {},
): CheckedFit {
  if (typeof options !== 'object' || options === null) invalidArgument('options', 'an object', options);
  const resolved = resolveOptions(options, new Set([...FIT_OPTION_KEYS, ...extraKeys]));
  const epochs = options.epochs;
  assertInteger(epochs, 'options.epochs', 1);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    invalidArgument('options.seed', 'an integer in [0, 2^32)', seed);
  }
  if (options.onNonFinite !== undefined && !['error', 'skip', 'ignore'].includes(options.onNonFinite)) {
    invalidArgument('options.onNonFinite', "'error', 'skip' or 'ignore'", options.onNonFinite);
  }
  return {
    definition: resolved.definition,
    epochs,
    seed,
    settings: scheduleOf(resolved.definition, options, epochs),
    learningRates: learningRatesOf(options, epochs, hooks),
    callbacks: callbacksOf(options.callbacks),
  };
}

/**
 * Trains `model` with a registered noise method: epochs, the noise schedule (eps per epoch,
 * noise-on epochs, ANP's phases), the learning rate per epoch, tfjs-style callbacks and History,
 * early stop, validation and seeded shuffling (the `shuffleRng` handed to `data`). Every step is
 * `createTrainingAlgorithm`'s: a refused or failed step leaves the weights, the optimizer and the
 * method's state as they were. Everything is checked before the first step.
 */
export async function fit<T, G>(
  model: TrainableModelV1<T, G>,
  data: FitData<T>,
  options: FitOptions,
  hooks: FitHooks<T> = {},
  extraKeys: readonly string[] = [],
): Promise<FitHistory> {
  const checked = checkFitOptions(options, extraKeys, hooks);
  return runFit(model, data, options, checked, hooks);
}

/** The loop itself, for adapters that ran `checkFitOptions` before preparing their data. */
export async function runFit<T, G>(
  model: TrainableModelV1<T, G>,
  data: FitData<T>,
  options: FitOptions,
  checked: CheckedFit,
  hooks: FitHooks<T> = {},
): Promise<FitHistory> {
  // A method-provided loss needs the model's optional doLossPass: refused before anything runs.
  if (checked.definition.needsLossPass) requireLossPass(model, checked.definition.name);
  if (typeof data !== 'function' && !isIterable(data)) {
    invalidArgument('data', 'an iterable or async iterable of batches, or (context) => one', data);
  }
  const algorithmOptions = Object.fromEntries(
    Object.entries(options).filter(([key]) => algorithmOptionKeys().has(key)),
  ) as unknown as FitOptions;
  // Checks nothing new (resolveOptions ran); holds no tensors until its first step.
  const algorithm = createTrainingAlgorithm(model.ops, algorithmOptions);
  const root = createRng(checked.seed);
  const shuffleRng = root.split();
  const stepRng = root.split();
  const metricNames = hooks.metricNames ?? [];
  const params = {
    method: options.method,
    epochs: checked.epochs,
    ...hooks.params,
    seed: checked.seed,
    noiseStateBytes: 0,
    skippedBatches: 0,
  };
  const history: FitHistory = { epoch: [], history: { loss: [], eps: [] }, params };
  for (const name of metricNames) history.history[name] = [];
  if (hooks.validate !== undefined) {
    history.history.val_loss = [];
    for (const name of metricNames) history.history[`val_${name}`] = [];
  }
  const callbacks = new CallbackList(checked.callbacks, hooks as FitHooks<unknown>, {
    ...params,
    verbose: 0,
  });
  const logBatches = callbacks.has('onBatchEnd');
  const skip = options.onNonFinite === 'skip';
  const ops = model.ops;
  let lastLogs: FitLogs = {};
  try {
    await callbacks.trainBegin({});
    for (let epoch = 0; epoch < checked.epochs && !callbacks.shouldStop; epoch++) {
      if (checked.learningRates !== undefined) hooks.setLearningRate?.(checked.learningRates[epoch]);
      const settings = checked.settings[epoch];
      await callbacks.epochBegin(epoch, {});
      const metrics = new EpochMetrics(ops);
      try {
        let index = 0;
        const batches = typeof data === 'function' ? data({ epoch, shuffleRng }) : data;
        for await (const source of batches) {
          let batch: FitBatch<T> = source;
          try {
            await callbacks.batchBegin(index, { batch: index, size: source.batchSize });
            if (hooks.transformBatch !== undefined) batch = await hooks.transformBatch(source);
            let loss: T;
            try {
              loss = algorithm.step(model, batch, settings, stepRng).loss;
            } catch (error) {
              if (!(skip && error instanceof AnlError && error.code === 'NON_FINITE')) throw error;
              params.skippedBatches++;
              index++;
              continue;
            }
            const stepMetrics = hooks.takeStepMetrics?.() ?? {};
            try {
              const batchLogs = logBatches
                ? await readBatchLogs(ops, loss, stepMetrics, batch.batchSize)
                : {};
              metrics.add(loss, batch.batchSize, stepMetrics);
              await callbacks.batchEnd(index, { batch: index, size: batch.batchSize, ...batchLogs });
            } finally {
              ops.dispose([loss, ...Object.values(stepMetrics)]);
            }
          } finally {
            if (batch !== source) batch.dispose?.();
            source.dispose?.();
          }
          index++;
          if (callbacks.shouldStop) break;
        }
        const logs: FitLogs = await metrics.read(metricNames);
        if (hooks.validate !== undefined) {
          const v = await hooks.validate();
          for (const [name, value] of Object.entries(v)) logs[`val_${name}`] = value;
        }
        recordEpoch(history, epoch, logs, settings.noise ? settings.eps : 0);
        lastLogs = logs;
        await callbacks.epochEnd(epoch, logs);
      } finally {
        metrics.dispose();
      }
    }
    await callbacks.trainEnd(lastLogs);
    params.noiseStateBytes = algorithm.stateBytes();
    return history;
  } finally {
    algorithm.dispose();
  }
}

function isIterable(data: unknown): data is FitBatchIterable<unknown> {
  return (
    data != null &&
    (typeof (data as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

function recordEpoch(history: FitHistory, epoch: number, logs: FitLogs, eps: number): void {
  history.epoch.push(epoch);
  history.history.eps.push(eps);
  for (const [name, value] of Object.entries(logs)) history.history[name]?.push(value);
}

async function readBatchLogs<T>(
  ops: TrainableModelV1<T>['ops'],
  loss: T,
  metrics: Readonly<Record<string, T>>,
  batchSize: number,
): Promise<FitLogs> {
  const logs: FitLogs = { loss: (await ops.toArray(loss))[0] };
  for (const [name, value] of Object.entries(metrics)) logs[name] = (await ops.toArray(value))[0] / batchSize;
  return logs;
}

function scheduleOf(
  definition: NoiseMethodDefinition<object>,
  options: FitOptions,
  epochs: number,
): StepSettings[] {
  const { eps, anpPhases } = options;
  if (eps === undefined && anpPhases === undefined && definition.injectsNoise) {
    invalidArgument('options.eps', `a number or (epoch) => number for method '${definition.name}'`, eps);
  }
  if (eps !== undefined && typeof eps !== 'function' && (typeof eps !== 'number' || !Number.isFinite(eps))) {
    invalidArgument('options.eps', 'a finite number (negative is legal) or (epoch) => number', eps);
  }
  if (options.noiseEpochs !== undefined) assertInteger(options.noiseEpochs, 'options.noiseEpochs', 0);
  if (anpPhases !== undefined && !Array.isArray(anpPhases)) {
    invalidArgument('options.anpPhases', 'an array of { from, to, eps, alpha, passes }', anpPhases);
  }
  const schedule = { eps: eps ?? 0, noiseEpochs: options.noiseEpochs, anpPhases };
  const settings: StepSettings[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const s = renamed(() => settingsForEpoch(schedule, epoch));
    settings.push(definition.injectsNoise ? s : { ...s, noise: false });
    if (definition.perturbs === 'inputs' && s.eps < 0) {
      invalidArgument(
        'options.eps',
        `a radius >= 0 for method '${definition.name}' (eps is an L∞ input radius; epoch ${epoch} has ${s.eps})`,
        s.eps,
      );
    }
  }
  return settings;
}

/** Reports the schedule's own argument names (`schedule.eps`) as the options the user wrote. */
function renamed<R>(fn: () => R): R {
  try {
    return fn();
  } catch (error) {
    if (error instanceof AnlError && error.argument?.startsWith('schedule.')) {
      const argument = `options.${error.argument.slice('schedule.'.length)}`;
      throw new AnlError(error.code, error.message.replace(error.argument, argument), { argument });
    }
    throw error;
  }
}

function learningRatesOf(
  options: FitOptions,
  epochs: number,
  hooks: Pick<FitHooks<unknown>, 'setLearningRate'>,
): number[] | undefined {
  const schedule = options.learningRate;
  if (schedule === undefined) return undefined;
  if (typeof schedule !== 'function') invalidArgument('options.learningRate', '(epoch) => number', schedule);
  if (typeof hooks.setLearningRate !== 'function') {
    throw new AnlError(
      'UNSUPPORTED',
      'options.learningRate needs an adapter that can set the learning rate',
      {
        argument: 'options.learningRate',
      },
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

function callbacksOf(callbacks: FitOptions['callbacks']): FitCallbacks[] {
  if (callbacks === undefined) return [];
  const list = Array.isArray(callbacks) ? [...callbacks] : [callbacks as FitCallbacks];
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
