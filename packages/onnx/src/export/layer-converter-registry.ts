import { invalidArgument } from '@anl/core';
import type { LayerConverter, LayerLike } from './converter-context';
import { CONVOLUTION_CONVERTERS } from './convolution-layers';
import { CORE_CONVERTERS } from './core-layers';
import { MERGE_CONVERTERS } from './merge-layers';
import { POOLING_CONVERTERS } from './pooling-layers';
import { RESIZE_CONVERTERS } from './resize-layers';

/** A layer class: what `registerLayerConverter` is keyed by (the constructor itself). */
export type LayerClass = abstract new (...args: any[]) => object;

/**
 * The converters of tfjs-layers' own layers, by the class name tfjs serialises them under (the
 * only names @anl/onnx knows; every other package registers its layers by class).
 */
const TFJS_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  ...CORE_CONVERTERS,
  ...CONVOLUTION_CONVERTERS,
  ...POOLING_CONVERTERS,
  ...MERGE_CONVERTERS,
  ...RESIZE_CONVERTERS,
};

/** Converters registered for a layer class, matched on the layer's exact constructor. */
const registered = new Map<LayerClass, LayerConverter>();

/**
 * Teaches the exporter a layer class: every layer whose constructor is `layerClass` (exactly, not
 * a subclass, which may compute something else) converts with `converter`. Registering a class
 * again replaces its converter. Returns a function that removes the registration.
 */
export function registerLayerConverter(layerClass: LayerClass, converter: LayerConverter): () => void {
  if (typeof layerClass !== 'function') invalidArgument('layerClass', 'a layer class', layerClass);
  if (typeof converter !== 'function') invalidArgument('converter', 'a function', converter);
  registered.set(layerClass, converter);
  return () => {
    if (registered.get(layerClass) === converter) registered.delete(layerClass);
  };
}

/** The converter for `layer`: a registered one for its class, else tfjs-layers' own; or undefined. */
export function converterFor(layer: LayerLike): LayerConverter | undefined {
  const own = registered.get(layer.constructor as LayerClass);
  if (own) return own;
  const className = layer.getClassName();
  return Object.hasOwn(TFJS_CONVERTERS, className) ? TFJS_CONVERTERS[className] : undefined;
}

/**
 * The converter of one of tfjs-layers' own layers, by its tfjs class name: for a package whose layer
 * computes what a tfjs layer computes once exported (e.g. PNI-W layers exported noise-free as Conv2D).
 */
export function builtInLayerConverter(className: string): LayerConverter {
  if (!Object.hasOwn(TFJS_CONVERTERS, className)) {
    invalidArgument('className', `one of ${Object.keys(TFJS_CONVERTERS).join(', ')}`, className);
  }
  return TFJS_CONVERTERS[className];
}

/** The tfjs-layers classes converted out of the box (their tfjs class names). */
export const SUPPORTED_LAYER_CLASSES: readonly string[] = [
  'InputLayer',
  ...Object.keys(TFJS_CONVERTERS),
  'Sequential',
  'Model',
];

/** Class names of the registered layer classes (for error messages). */
export function registeredLayerClassNames(): string[] {
  return [...registered.keys()].map((c) => {
    const name = (c as { className?: unknown }).className;
    return typeof name === 'string' ? name : c.name;
  });
}
