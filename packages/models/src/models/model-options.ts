import type { NoiseMethod } from '@anl/core';
import { DEFAULT_NOISE_METHOD, invalidArgument } from '@anl/core';

/** Where a builder puts noise layers (identity unless the anl trainer injects noise). */
export interface NoisePlacement {
  /**
   * 'batchnorm': after every BatchNorm, before its ReLU (the ANL paper's placement for BN nets).
   * 'conv': after every convolution (before BN if any; ANP's placement, and the ANL paper's for
   * LeNet-5, which has no BN). Default: 'batchnorm' for nets with BN, 'conv' for nets without.
   */
  after?: 'batchnorm' | 'conv';
  /** Also a noise layer on the input (the ANL paper's FGSM experiment). Default false. */
  input?: boolean;
  /** The method the layers are placed for (metadata stored in the saved model; default `DEFAULT_NOISE_METHOD` of @anl/core, ANL). */
  method?: NoiseMethod;
}

/** Options every builder takes. */
export interface ModelOptions {
  /** [height, width, channels] of one input image. */
  inputShape?: [number, number, number];
  numClasses?: number;
  /**
   * Noise layers at the paper's positions (default `{}`: placed, so the model is ready for
   * `trainWithNoise`; they are the identity in `predict` and plain `fit`), or `false` for none.
   */
  noise?: NoisePlacement | false;
  /** Dropout rate between fully connected layers (only where a builder has more than one FC). */
  dropout?: number;
  /**
   * 'softmax' (default): the last layer outputs probabilities, for `compile({ loss:
   * 'categoricalCrossentropy' })`. 'logits': no activation, for softmax cross-entropy on logits.
   */
  output?: 'softmax' | 'logits';
  /** The model's name. */
  name?: string;
  /** Seed for the weight initialisers: the same seed builds the same weights (default: random). */
  seed?: number;
}

export interface ResolvedOptions {
  inputShape: [number, number, number];
  numClasses: number;
  noise: Required<NoisePlacement> | false;
  dropout: number;
  output: 'softmax' | 'logits';
  name: string;
  seed: number | undefined;
}

/** Fill defaults and check every option; throws AnlError('INVALID_ARGUMENT') naming the option. */
export function resolveOptions(
  options: ModelOptions | undefined,
  defaults: { inputShape: [number, number, number]; numClasses: number; name: string; hasBatchNorm: boolean },
): ResolvedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    invalidArgument('options', 'an object', options);
  }
  const o = options ?? {};
  const inputShape = o.inputShape ?? defaults.inputShape;
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 3 ||
    !inputShape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    invalidArgument('options.inputShape', '[height, width, channels] of positive integers', inputShape);
  }
  const numClasses = o.numClasses ?? defaults.numClasses;
  if (!(Number.isInteger(numClasses) && numClasses >= 2)) {
    invalidArgument('options.numClasses', 'an integer >= 2', numClasses);
  }
  const dropout = o.dropout ?? 0;
  if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) {
    invalidArgument('options.dropout', 'a number in [0, 1)', dropout);
  }
  let noise: Required<NoisePlacement> | false = false;
  if (o.noise !== false) {
    const n = o.noise ?? {};
    if (n === null || typeof n !== 'object') invalidArgument('options.noise', 'an object or false', n);
    const after = n.after ?? (defaults.hasBatchNorm ? 'batchnorm' : 'conv');
    if (after !== 'batchnorm' && after !== 'conv') {
      invalidArgument('options.noise.after', "'batchnorm' or 'conv'", after);
    }
    if (after === 'batchnorm' && !defaults.hasBatchNorm) {
      invalidArgument('options.noise.after', `'conv' (${defaults.name} has no BatchNorm)`, after);
    }
    const input = n.input ?? false;
    if (typeof input !== 'boolean') invalidArgument('options.noise.input', 'a boolean', input);
    noise = { after, input, method: n.method ?? DEFAULT_NOISE_METHOD };
  }
  const output = o.output ?? 'softmax';
  if (output !== 'softmax' && output !== 'logits')
    invalidArgument('options.output', "'softmax' or 'logits'", output);
  const name = o.name ?? defaults.name;
  if (typeof name !== 'string' || name.length === 0)
    invalidArgument('options.name', 'a non-empty string', name);
  const seed = o.seed;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) {
    invalidArgument('options.seed', 'a non-negative integer', seed);
  }
  return { inputShape, numClasses, noise, dropout, output, name, seed };
}

/** Check a positive integer option. */
export function positiveInteger(name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    invalidArgument(name, 'a positive integer', value);
  }
  return value;
}
