import { AnlError, invalidArgument } from '../errors';
import { assertShape } from '../shape';
import type { LossPassRequest, LossPassResult, TrainableModelV1 } from './trainable-model';

/** True when `model` offers the optional `doLossPass` capability. */
export function hasLossPass<T, G>(
  model: TrainableModelV1<T, G>,
): model is TrainableModelV1<T, G> & Required<Pick<TrainableModelV1<T, G>, 'doLossPass'>> {
  return typeof model?.doLossPass === 'function';
}

/** AnlError UNSUPPORTED naming `argument` unless `model` has `doLossPass` (method `method` needs it). */
export function requireLossPass<T, G>(
  model: TrainableModelV1<T, G>,
  method: string,
  argument = 'model',
): void {
  if (hasLossPass(model)) return;
  throw new AnlError(
    'UNSUPPORTED',
    `${argument}: method '${method}' needs a model with doLossPass (a method-provided loss over several inputs); this adapter's TrainableModelV1 has none`,
    { argument },
  );
}

/**
 * Runs one `doLossPass`, checking what the adapter hands over: weight gradients when asked for, one
 * input gradient per requested input with that input's shape. On an error everything the pass
 * produced is freed before rethrowing.
 */
export function runLossPass<T, G>(
  model: TrainableModelV1<T, G>,
  request: LossPassRequest<T>,
): LossPassResult<T, G> {
  requireLossPass(model, 'this');
  const ops = model.ops;
  checkLossRequest(request, (t) => ops.shape(t));
  const result = (model.doLossPass as NonNullable<TrainableModelV1<T, G>['doLossPass']>)(request);
  try {
    if (request.weightGradients && result.weightGradients === undefined) {
      throw new AnlError('INVALID_ARGUMENT', 'model.doLossPass must return weightGradients when asked', {
        argument: 'model',
      });
    }
    const grads = result.inputGradients ?? [];
    if (grads.length !== request.inputGradients.length) {
      throw new AnlError(
        'INVALID_ARGUMENT',
        `model.doLossPass must return ${request.inputGradients.length} input gradients, got ${grads.length}`,
        { argument: 'model' },
      );
    }
    grads.forEach((g, k) => {
      assertShape(ops.shape(g), ops.shape(request.inputs[request.inputGradients[k]]), `input gradient ${k}`);
    });
    return result;
  } catch (error) {
    disposeLossPass(model, result);
    throw error;
  }
}

/** Frees everything a loss pass returned. */
export function disposeLossPass<T, G>(model: TrainableModelV1<T, G>, result: LossPassResult<T, G>): void {
  model.ops.dispose(result.loss);
  if (result.weightGradients !== undefined) model.disposeGradients(result.weightGradients);
  if (result.inputGradients !== undefined) model.ops.dispose(result.inputGradients);
}

/** Indices in range, finite weights, every input of the batch's shape: AnlError naming what is wrong. */
export function checkLossRequest<T>(request: LossPassRequest<T>, shapeOf: (t: T) => number[]): void {
  const n = request.inputs.length;
  if (n < 1) invalidArgument('request.inputs', 'at least one input', n);
  const first = shapeOf(request.inputs[0]);
  if (first[0] !== request.batchSize)
    invalidArgument('request.inputs[0]', `${request.batchSize} rows`, first[0]);
  request.inputs.forEach((x, i) => {
    assertShape(shapeOf(x), first, `request.inputs[${i}]`);
  });
  const index = (value: unknown, argument: string) => {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= n)
      invalidArgument(argument, `an index into request.inputs (0..${n - 1})`, value);
  };
  if (request.terms.length < 1) invalidArgument('request.terms', 'at least one term', request.terms.length);
  request.terms.forEach((term, k) => {
    const at = `request.terms[${k}]`;
    if (typeof term.weight !== 'number' || !Number.isFinite(term.weight))
      invalidArgument(`${at}.weight`, 'a finite number', term.weight);
    if (term.kind === 'loss') index(term.input, `${at}.input`);
    else if (term.kind === 'kl') {
      index(term.from, `${at}.from`);
      index(term.to, `${at}.to`);
    } else invalidArgument(`${at}.kind`, "'loss' or 'kl'", (term as { kind: unknown }).kind);
  });
  request.inputGradients.forEach((i, k) => {
    index(i, `request.inputGradients[${k}]`);
  });
  if (request.mode !== undefined && request.mode !== 'training' && request.mode !== 'inference')
    invalidArgument('request.mode', "'training' or 'inference'", request.mode);
}
