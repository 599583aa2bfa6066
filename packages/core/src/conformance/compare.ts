import { formatShape, shapeSize, shapesEqual } from '../shape';

/** Coordinates of flat index `i` in `shape`, for messages. */
function coordinates(i: number, shape: readonly number[]): string {
  const out: number[] = [];
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `[${out.join(', ')}]`;
}

/** Throws unless `got` has shape `want`. */
export function expectShape(
  op: string,
  got: readonly number[],
  want: readonly number[],
  context: string,
): void {
  if (!shapesEqual(got, want)) {
    throw new Error(`${op} (${context}): output shape ${formatShape(got)}, expected ${formatShape(want)}`);
  }
}

/**
 * Throws at the first index where |got - want| > rtol·|want| + floor, naming op, shape and index.
 * `floor` absorbs rounding of values far below the tensor's scale; `rtol = 0` demands equality.
 */
export function expectClose(
  op: string,
  shape: readonly number[],
  got: Float32Array,
  want: Float32Array,
  rtol: number,
  floor = 0,
  context = '',
): void {
  if (got.length !== want.length || got.length !== shapeSize(shape)) {
    throw new Error(
      `${op} on shape ${formatShape(shape)}: got ${got.length} values, expected ${want.length}`,
    );
  }
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    const bad =
      rtol === 0
        ? !(g === w || (Number.isNaN(g) && Number.isNaN(w)))
        : !(Math.abs(g - w) <= rtol * Math.abs(w) + floor);
    if (bad) {
      const where = shape.length === 0 ? 'the scalar' : `index ${i} ${coordinates(i, shape)}`;
      throw new Error(
        `${op} on shape ${formatShape(shape)}${context ? ` (${context})` : ''}: first mismatch at ${where}: got ${g}, expected ${w}` +
          (rtol === 0 ? ' (exact)' : ` (tolerance ${rtol} relative + ${floor})`),
      );
    }
  }
}

/** max |x| of an array (0 when empty). */
export function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

/** mean |x| of an array (0 when empty). */
export function meanAbs(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += Math.abs(v);
  return values.length === 0 ? 0 : s / values.length;
}
