import { describe, expect, it } from 'vitest';
import { AnlError } from '../errors';
import type { RefTensor } from '../reference/ref-tensor';
import { createRng } from '../rng/create-rng';
import { linearFixture } from '../testing/fixtures.test-helpers';
import { runLossPass } from './loss-pass';
import { runPass } from './pass';
import type { LossTermV1 } from './trainable-model';

const B = 3;

function fixture() {
  const { ops, model } = linearFixture(7, { input: 3, hidden: 4, outputs: 3 });
  const rng = createRng(11);
  const values = (n: number, scale = 1) => Float32Array.from({ length: n }, () => scale * rng.normal());
  const x0 = values(B * 3);
  const x1 = x0.map((v, i) => v + 0.3 * Math.sin(i + 1));
  const y = values(B * 3);
  return { ops, model, x0, x1, y };
}

/** The loss of a pass over inputs (x0, x1) with the model's current weights, as a number. */
function lossOf(
  f: ReturnType<typeof fixture>,
  x0: Float32Array,
  x1: Float32Array,
  terms: LossTermV1[],
): number {
  const { ops, model, y } = f;
  const tensors = [ops.fromArray(x0, [B, 3]), ops.fromArray(x1, [B, 3]), ops.fromArray(y, [B, 3])];
  const r = model.doLossPass({
    inputs: tensors.slice(0, 2),
    y: tensors[2],
    batchSize: B,
    terms,
    weightGradients: false,
    inputGradients: [],
  });
  const value = r.loss.data[0];
  ops.dispose([...tensors, r.loss]);
  return value;
}

/** Central difference of `fn` in element k of `array` (restored after). */
function centralDifference(
  array: Float32Array | Float64Array,
  k: number,
  h: number,
  fn: () => number,
): number {
  const v = array[k];
  array[k] = v + h;
  const up = fn();
  array[k] = v - h;
  const down = fn();
  array[k] = v;
  return (up - down) / (2 * h);
}

function expectClose(analytic: number, numeric: number) {
  expect(Math.abs(analytic - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
}

describe("the reference model's doLossPass (a method-provided loss)", () => {
  const terms: LossTermV1[] = [
    { kind: 'loss', input: 0, weight: 1 },
    { kind: 'kl', from: 0, to: 1, weight: 0.7 },
    { kind: 'loss', input: 1, weight: 0.3 },
  ];

  it('weight and input gradients equal central differences of its loss', () => {
    const f = fixture();
    const { ops, model } = f;
    const inputs = [ops.fromArray(f.x0, [B, 3]), ops.fromArray(f.x1, [B, 3])];
    const y = ops.fromArray(f.y, [B, 3]);
    const r = runLossPass(model, {
      inputs,
      y,
      batchSize: B,
      terms,
      weightGradients: true,
      inputGradients: [1, 0],
    });
    const g = r.weightGradients as { dW1: Float64Array; dW2: Float64Array };
    const [dx1, dx0] = (r.inputGradients as RefTensor[]).map((t) => t.data);
    const loss = () => lossOf(f, f.x0, f.x1, terms);
    expectClose(r.loss.data[0], loss());
    for (let k = 0; k < model.w1.length; k += 2)
      expectClose(g.dW1[k], centralDifference(model.w1, k, 1e-3, loss));
    for (let k = 0; k < model.w2.length; k++)
      expectClose(g.dW2[k], centralDifference(model.w2, k, 1e-3, loss));
    for (let k = 0; k < f.x0.length; k++) {
      expectClose(dx0[k], centralDifference(f.x0, k, 1e-2, loss));
      expectClose(dx1[k], centralDifference(f.x1, k, 1e-2, loss));
    }
    ops.dispose([...inputs, y, r.loss, ...(r.inputGradients as RefTensor[])]);
    expect(ops.numTensors).toBe(0);
  });

  it('fixFrom holds the first distribution constant: no gradient reaches its input', () => {
    const f = fixture();
    const { ops, model } = f;
    const kl: LossTermV1[] = [{ kind: 'kl', from: 0, to: 1, weight: 1, fixFrom: true }];
    const inputs = [ops.fromArray(f.x0, [B, 3]), ops.fromArray(f.x1, [B, 3])];
    const y = ops.fromArray(f.y, [B, 3]);
    const r = runLossPass(model, {
      inputs,
      y,
      batchSize: B,
      terms: kl,
      weightGradients: false,
      inputGradients: [0, 1],
    });
    const [dx0, dx1] = (r.inputGradients as RefTensor[]).map((t) => Array.from(t.data));
    expect(dx0).toEqual(new Array(dx0.length).fill(0));
    const loss = () => lossOf(f, f.x0, f.x1, kl);
    for (let k = 0; k < f.x1.length; k++) expectClose(dx1[k], centralDifference(f.x1, k, 1e-2, loss));
    // KL(p ‖ p) = 0 and its gradient vanishes.
    const same = runLossPass(model, {
      inputs: [inputs[0], inputs[0]],
      y,
      batchSize: B,
      terms: kl,
      weightGradients: false,
      inputGradients: [1],
    });
    expect(same.loss.data[0]).toBeCloseTo(0, 7);
    for (const v of (same.inputGradients as RefTensor[])[0].data) expect(v).toBeCloseTo(0, 7);
    ops.dispose([
      ...inputs,
      y,
      r.loss,
      ...(r.inputGradients as RefTensor[]),
      same.loss,
      ...(same.inputGradients as RefTensor[]),
    ]);
    expect(ops.numTensors).toBe(0);
  });

  it("one 'loss' term is doPass's loss and weight gradients, bit for bit", () => {
    const f = fixture();
    const { ops, model } = f;
    const x = ops.fromArray(f.x0, [B, 3]);
    const y = ops.fromArray(f.y, [B, 3]);
    const a = runLossPass(model, {
      inputs: [x],
      y,
      batchSize: B,
      terms: [{ kind: 'loss', input: 0, weight: 1 }],
      weightGradients: true,
      inputGradients: [],
    });
    const b = runPass(model, {
      x,
      y,
      batchSize: B,
      noise: () => null,
      weightGradients: true,
      noiseGradients: false,
    });
    expect(a.loss.data).toEqual(b.loss.data);
    expect(a.weightGradients).toEqual(b.weightGradients);
    ops.dispose([x, y, a.loss, b.loss]);
  });

  it('refuses bad requests by name before the model runs', () => {
    const f = fixture();
    const { ops, model } = f;
    const x = ops.fromArray(f.x0, [B, 3]);
    const y = ops.fromArray(f.y, [B, 3]);
    const base = { inputs: [x], y, batchSize: B, weightGradients: false, inputGradients: [] as number[] };
    const cases: [object, string][] = [
      [{ terms: [{ kind: 'loss', input: 1, weight: 1 }] }, 'request.terms[0].input'],
      [{ terms: [{ kind: 'kl', from: 0, to: 2, weight: 1 }] }, 'request.terms[0].to'],
      [{ terms: [{ kind: 'loss', input: 0, weight: Number.NaN }] }, 'request.terms[0].weight'],
      [{ terms: [{ kind: 'mse', input: 0, weight: 1 }] }, 'request.terms[0].kind'],
      [{ terms: [] }, 'request.terms'],
      [{ terms: [{ kind: 'loss', input: 0, weight: 1 }], inputGradients: [3] }, 'request.inputGradients[0]'],
    ];
    for (const [change, argument] of cases) {
      expect(() => runLossPass(model, { ...base, ...change } as never)).toThrow(
        expect.objectContaining({ argument }),
      );
    }
    expect(model.lossPasses).toHaveLength(0);
    const { doLossPass: _, ...withoutIt } = { ...model, doLossPass: undefined };
    expect(() => runLossPass(withoutIt as never, { ...base, terms: [] } as never)).toThrow(AnlError);
    ops.dispose([x, y]);
  });
});
