import type { OnnxGraphBuilder } from './onnx-graph-builder';

/**
 * Where the axes of a value are. tfjs is channels-last (NHWC) and ONNX's Conv and pooling are
 * channels-first (NCHW), so rank-4 values carry their layout: spatial layers want `nchw`, the rest
 * (Flatten, Dense, Reshape, outputs) want tfjs's own order, `tfjs`. A transpose is inserted only where
 * a layer needs the other layout, and once per value, so conv-relu-pool chains stay channels-first.
 */
export type Layout = 'tfjs' | 'nchw';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** One ONNX value standing for a tfjs symbolic tensor. */
export class ExportValue {
  private other: ExportValue | null = null;

  constructor(
    readonly name: string,
    /** The tfjs shape (batch first, `null` where unknown), always in tfjs order. */
    readonly tfjsShape: readonly (number | null)[],
    readonly layout: Layout,
  ) {}

  get rank(): number {
    return this.tfjsShape.length;
  }

  /** This value in tfjs order (inserting a Transpose from NCHW if needed). */
  inTfjsLayout(g: OnnxGraphBuilder): ExportValue {
    return this.layout === 'tfjs' ? this : this.transposed(g, 'tfjs', TO_NHWC);
  }

  /** This rank-4 value channels-first (inserting a Transpose from NHWC if needed). */
  inNchw(g: OnnxGraphBuilder): ExportValue {
    if (this.rank !== 4) throw new Error(`inNchw: value ${this.name} has rank ${this.rank}, not 4`);
    return this.layout === 'nchw' ? this : this.transposed(g, 'nchw', TO_NCHW);
  }

  /** The ONNX axis of tfjs axis `axis` (negative counts from the end) in this value's layout. */
  onnxAxis(axis: number): number {
    const a = axis < 0 ? axis + this.rank : axis;
    if (this.layout === 'tfjs') return a;
    return TO_NCHW.indexOf(a);
  }

  /** A value computed from this one with the same layout. */
  derive(name: string, tfjsShape: readonly (number | null)[] = this.tfjsShape): ExportValue {
    return new ExportValue(name, tfjsShape, this.layout);
  }

  private transposed(g: OnnxGraphBuilder, layout: Layout, perm: number[]): ExportValue {
    if (this.other === null) {
      const name = g.node('Transpose', [this.name], `${this.name}/to_${layout}`, [
        { name: 'perm', type: 'ints', value: perm },
      ]);
      this.other = new ExportValue(name, this.tfjsShape, layout);
      this.other.other = this;
    }
    return this.other;
  }
}
