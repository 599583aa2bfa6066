import { AnlError, invalidArgument } from '@anl/core';
import type { layers } from '@tensorflow/tfjs-layers';

/** Which layers get a noise layer after them: a class name, a list of class names, or a predicate. */
export type LayerSelector = string | readonly string[] | ((layer: layers.Layer) => boolean);

/** `selector` as a predicate; refuses anything that is not a `LayerSelector`. */
export function compileSelector(selector: unknown, argument: string): (layer: layers.Layer) => boolean {
  if (typeof selector === 'function') {
    return (layer) => {
      const chosen = selector(layer);
      if (typeof chosen !== 'boolean') {
        invalidArgument(`${argument}(layer ${layer.name})`, 'to return a boolean', chosen);
      }
      return chosen;
    };
  }
  const names = typeof selector === 'string' ? [selector] : selector;
  if (
    !Array.isArray(names) ||
    names.length === 0 ||
    !names.every((n) => typeof n === 'string' && n.length > 0)
  ) {
    invalidArgument(
      argument,
      'a layer class name, a non-empty list of class names, or a predicate',
      selector,
    );
  }
  const wanted = new Set<string>(names);
  return (layer) => wanted.has(layer.getClassName());
}

/** NOT_FOUND for a selector that chose no layer, listing the class names the model has. */
export function nothingSelected(selector: unknown, argument: string, available: readonly string[]): AnlError {
  const what = typeof selector === 'function' ? 'the predicate' : JSON.stringify(selector);
  return new AnlError(
    'NOT_FOUND',
    `${argument}: ${what} matched no layer; the model's layer classes are ${[...new Set(available)].join(', ')}`,
    { argument },
  );
}
