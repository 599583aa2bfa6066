// README:begin
import { exportToOnnx, registerLayerConverter, singleInput } from '@anl/onnx';
import * as tf from '@tensorflow/tfjs';

/** y = factor * x: a layer of your own. */
class Scale extends tf.layers.Layer {
  static className = 'MyScale';
  readonly factor: number;

  constructor(args: { factor: number }) {
    super({});
    this.factor = args.factor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.factor);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}
tf.serialization.registerClass(Scale);

// One ONNX Mul by a constant. Element-wise, so it works in whichever layout its input is.
registerLayerConverter(Scale, (ctx) => {
  const x = singleInput(ctx);
  const factor = ctx.g.constant(`${ctx.layer.name}/factor`, [ctx.config.factor as number], []);
  return [x.derive(ctx.g.node('Mul', [x.name, factor], `${ctx.layer.name}/Mul`))];
});

const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [3], units: 2 }), new Scale({ factor: 2.5 })],
});
const bytes = exportToOnnx(model); // ModelProto bytes, opset 17

// README:end

import { readFileSync } from 'node:fs';
import { AnlError } from '@anl/core';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel, decodeOnnxModel } from '../index';

const refused = (code: string, argument: string) =>
  expect.objectContaining({ name: 'AnlError', code, argument }) as unknown as Error;

describe('registerLayerConverter (the README example, kept true here)', () => {
  it('the README shows this file’s example, word for word', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /## Exporting a layer of your own[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const example = /\/\/ README:begin\n([\s\S]*?)\/\/ README:end\n/.exec(source)?.[1];
    expect(example).toBeDefined();
    expect(block?.trimEnd()).toBe(example?.trimEnd());
  });

  it('the registered converter writes the layer: Dense (MatMul + Add), then Mul by 2.5', () => {
    const { graph } = decodeOnnxModel(bytes);
    expect(graph.nodes.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Mul', 'Identity']);
    const mul = graph.nodes[2];
    expect(mul.inputs[0]).toBe(graph.nodes[1].outputs[0]);
    const factor = graph.initializers.find((t) => t.name === mul.inputs[1]);
    expect(factor).toMatchObject({ dataType: 'float', dims: [] });
    expect(Array.from(factor!.values)).toEqual([2.5]);
  });

  it('a layer class nobody registered is refused, naming the layer and its class', () => {
    class Unknown extends Scale {
      static override className = 'MyUnknown';
    }
    tf.serialization.registerClass(Unknown);
    const withInput = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [3] }), new Unknown({ factor: 1 })],
    });
    // A subclass of a registered class is not converted as its parent: its call may differ.
    expect(() => exportToOnnx(withInput)).toThrow(refused('UNSUPPORTED', 'model'));
    expect(() => exportToOnnx(withInput)).toThrow(/class MyUnknown\).*registerLayerConverter/);
  });

  it('registering again replaces the converter; the returned function removes it', () => {
    const m = tf.sequential({
      layers: [tf.layers.inputLayer({ inputShape: [2] }), new Scale({ factor: 3 })],
    });
    const remove = registerLayerConverter(Scale, (ctx) => [singleInput(ctx)]);
    expect(buildOnnxModel(m).graph.nodes.map((n) => n.opType)).toEqual(['Identity']);
    remove();
    expect(() => buildOnnxModel(m)).toThrow(refused('UNSUPPORTED', 'model'));
    registerLayerConverter(Scale, (ctx) => {
      const x = singleInput(ctx);
      const factor = ctx.g.constant('f', [ctx.config.factor as number], []);
      return [x.derive(ctx.g.node('Mul', [x.name, factor], 'mul'))];
    });
    expect(buildOnnxModel(m).graph.nodes.map((n) => n.opType)).toEqual(['Mul', 'Identity']);
  });

  it('refuses a class or converter that is not a function', () => {
    expect(() => registerLayerConverter('Dense' as never, (ctx) => [singleInput(ctx)])).toThrow(
      refused('INVALID_ARGUMENT', 'layerClass'),
    );
    expect(() => registerLayerConverter(Scale, null as never)).toThrow(AnlError);
    expect(() => registerLayerConverter(Scale, null as never)).toThrow(
      refused('INVALID_ARGUMENT', 'converter'),
    );
  });
});
