import type { TensorOpsV1 } from '../../tensor-ops';
import type { StdMode } from '../algorithm';
import type { NoiseScale } from '../noise-scale';
import type { MethodRunner } from './method-runner';

/**
 * One option of a noise method: its default and its check. `check` receives the user's value and
 * the name to report (`options.methodOptions.anp.passes`, or the legacy flat `options.anpPasses`)
 * and returns the value to use, or throws an AnlError naming that argument.
 */
export interface MethodOptionSpec<V = unknown> {
  readonly default: V;
  readonly check: (value: unknown, argument: string) => V;
  /** One line for documentation and error messages. */
  readonly description?: string;
}

/** The options every method shares, resolved, as a runner factory sees them. */
export interface CommonMethodOptions {
  readonly std: StdMode;
  readonly runningMomentum: number;
  readonly numClasses?: number;
}

/** What a method's runner factory receives. */
export interface RunnerContext<T, O> {
  readonly ops: TensorOpsV1<T>;
  /** This method's own options, checked and with defaults filled in. */
  readonly options: O;
  readonly common: CommonMethodOptions;
  /** A fresh s(h) per noise point (the batch std, or the running std when `std: 'running'`). */
  noiseScale(): NoiseScale<T>;
}

/**
 * A noise method: everything the trainer, the noise layer and the option checks need to know about
 * it, in one object. Built-ins live one per module in this folder; `registerNoiseMethod` adds more.
 */
export interface NoiseMethodDefinition<O extends object = Record<string, unknown>> {
  /** The name users pass as `method` (lower case letters, digits, '-' or '_'). */
  readonly name: string;
  /** One line for documentation and `listNoiseMethods()` readers. */
  readonly summary: string;
  /**
   * False for the baseline: no eps, never a perturbed step. True for every method that perturbs
   * something by eps: activations at noise points (noise layers required), or the inputs (see
   * `perturbs`).
   */
  readonly injectsNoise: boolean;
  /**
   * What eps perturbs: `'activations'` (default: noise at the noise points, which the model must
   * have) or `'inputs'` (adversarial training: eps is an L∞ radius around each input, eps >= 0, and
   * the model needs no noise layers).
   */
  readonly perturbs?: 'activations' | 'inputs';
  /** True when the runner calls the model's optional `doLossPass` (a method-provided loss). */
  readonly needsLossPass?: boolean;
  /**
   * True when the runner honours `StepContext.shard` (draws per sample for the whole batch and keeps
   * its rows, gathers rows of other replicas when it needs them), so a replicated model (the tfjs
   * worker pool) may run its steps on every replica. Methods without it run pass by pass there.
   */
  readonly shardable?: boolean;
  /** True when a step needs integer class labels (`batch.labels`) and `numClasses` (CANL). */
  readonly needsLabels: boolean;
  /** True when the method reads s(h), so `std` / `runningMomentum` mean something to it. */
  readonly usesStd: boolean | ((options: O) => boolean);
  /** The method's own options, under `methodOptions[name]`. */
  readonly options: { readonly [K in keyof O]: MethodOptionSpec<O[K]> };
  /** Old flat option names still accepted (e.g. `anpPasses` for `methodOptions.anp.passes`). */
  readonly legacyOptions?: Readonly<Record<string, keyof O & string>>;
  /**
   * Builds the runner a step calls when noise is on (eps != 0 and the model has noise points);
   * `null` for a method that never injects noise. Must allocate no tensors until its first step.
   */
  createRunner<T>(context: RunnerContext<T, O>): MethodRunner<T> | null;
}
