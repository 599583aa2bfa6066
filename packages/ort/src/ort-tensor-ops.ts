import { CheckedTensorOps, invalidArgument } from '@anl/core';
import type * as ort from 'onnxruntime-node';
import type { OrtLazyTensor } from './lazy/ort-lazy-tensor';
import { SessionCache } from './lazy/session-cache';
import { OrtKernels } from './ort-kernels';

export interface OrtTensorOpsOptions {
  /** Compiled sessions kept, least recently used evicted first (default 64). */
  readonly maxCachedSessions?: number;
  /**
   * Options of every `InferenceSession` (default: one intra-op thread, errors-only logging; the
   * graphs built here are small, so thread start-up would cost more than it saves).
   */
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
}

const DEFAULT_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 3,
  graphOptimizationLevel: 'all',
};

/**
 * `TensorOpsV1` executed by onnxruntime-node. The contract is synchronous and ORT runs
 * asynchronously, so tensors are lazy expression nodes (`OrtLazyTensor`): every op checks its
 * arguments (in @anl/core's `CheckedTensorOps`, as every adapter does) and computes the output shape
 * at once, and `toArray` compiles the expression DAG into one ONNX graph (opset 17), runs it, and
 * returns the values. Sessions are cached by graph structure and shapes, so repeating a computation
 * on new values does not compile again.
 *
 * Memory is garbage collected: `tidy` just runs its function, and `keep` and `dispose` do nothing.
 * Random tensors are drawn on the host (see `OrtKernels.randomNormal`). ORT has no autograd, so this
 * backend runs @anl/core's noise algebra but cannot be a `TrainableModelV1`.
 */
export class OrtTensorOps extends CheckedTensorOps<OrtLazyTensor> {
  private readonly sessions: SessionCache;

  constructor(options: OrtTensorOpsOptions = {}) {
    const capacity = options.maxCachedSessions ?? 64;
    if (!Number.isInteger(capacity) || capacity < 1) {
      invalidArgument('options.maxCachedSessions', 'an integer >= 1', capacity);
    }
    const sessions = new SessionCache(capacity, { ...DEFAULT_SESSION_OPTIONS, ...options.sessionOptions });
    super(new OrtKernels(sessions));
    this.sessions = sessions;
  }

  /** Sessions compiled so far; equal before and after a repeated computation (tests, tuning). */
  get compiledSessions(): number {
    return this.sessions.compiledCount;
  }

  /** Releases every cached session (they are compiled again when needed). */
  releaseSessions(): Promise<void> {
    return this.sessions.clear();
  }
}
