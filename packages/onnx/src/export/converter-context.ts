import { AnlError } from '@anl/core';
import { isSupportedActivation } from './activations';
import type { ExportValue } from './export-value';
import type { OnnxGraphBuilder } from './onnx-graph-builder';

/** The parts of a tfjs Layer the exporter reads (structural, so no tfjs import at run time). */
export interface LayerLike {
  readonly name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): readonly { readonly shape: number[]; dataSync(): ArrayLike<number> }[];
}

/** A layer's weight, copied to the host. */
export interface HostWeight {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** What a layer converter gets: the graph, the layer, its input values and its output shapes. */
export interface ConvertContext {
  readonly g: OnnxGraphBuilder;
  readonly layer: LayerLike;
  readonly config: Record<string, unknown>;
  readonly inputs: readonly ExportValue[];
  /** tfjs shapes (batch `null`) of the layer's outputs at this call. */
  readonly outputShapes: readonly (readonly (number | null)[])[];
}

/** Converts one call of a layer; returns one value per output. */
export type LayerConverter = (ctx: ConvertContext) => ExportValue[];

/** The layer's weights in `getWeights()` order, as float32 host arrays. */
export function hostWeights(layer: LayerLike): HostWeight[] {
  return layer.getWeights().map((w) => ({ shape: [...w.shape], values: Float32Array.from(w.dataSync()) }));
}

/** An UNSUPPORTED error naming the layer, its class and why. */
export function unsupported(layer: LayerLike, why: string): AnlError {
  return new AnlError(
    'UNSUPPORTED',
    `model layer "${layer.name}" (class ${layer.getClassName()}) cannot be exported to ONNX: ${why}`,
    { argument: 'model' },
  );
}

/** The layer's activation name, refused when the exporter cannot write it. */
export function activationOf(ctx: ConvertContext): string {
  const name = ctx.config.activation ?? 'linear';
  if (!isSupportedActivation(name))
    throw unsupported(ctx.layer, `activation ${String(name)} is not supported`);
  return name;
}

/** A pair from a tfjs config value that is a number or a 2-array (kernel sizes, strides, dilations). */
export function pair(value: unknown, fallback: number): [number, number] {
  if (value == null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  const list = value as number[];
  return [list[0], list.length > 1 ? list[1] : list[0]];
}

/** Refuses channels-first layers: tfjs's CPU kernels and this exporter assume channels-last. */
export function requireChannelsLast(ctx: ConvertContext): void {
  const format = ctx.config.dataFormat;
  if (format != null && format !== 'channelsLast') {
    throw unsupported(ctx.layer, `dataFormat ${String(format)} (only channelsLast is exported)`);
  }
}

/** The single input of a layer that takes one. */
export function singleInput(ctx: ConvertContext): ExportValue {
  if (ctx.inputs.length !== 1) throw unsupported(ctx.layer, `expected 1 input, got ${ctx.inputs.length}`);
  return ctx.inputs[0];
}
