const counters = new Map<string, number>();

/**
 * `${prefix}_${n}`, counting per prefix in this process. Custom layers need it: tfjs derives a
 * default name from the class name, and our namespaced `anl>...` class names are not valid
 * variable names.
 */
export function uniqueLayerName(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}_${n}`;
}
