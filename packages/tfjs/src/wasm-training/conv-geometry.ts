import { backend_util } from '@tensorflow/tfjs-core';

/** The forward conv's padding argument, exactly as tfjs accepts it. */
export type ConvPad = Parameters<typeof backend_util.computeConv2DInfo>[4];

/** The forward convolution's geometry, read by every backward kernel here. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** Geometry of the forward conv (NHWC) via tfjs' own shape logic, so 'same', explicit pads and rounding agree. */
export function convGeometry(
  inShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  dilations: number | [number, number] | undefined,
  pad: ConvPad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
): ConvGeometry {
  const info = backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Rows (or columns) of the padded input the forward conv actually reads: the weight gradient is a
 * correlation over exactly this window, so the input is padded (or cropped) to it.
 * Returns [before, after] pads relative to the unpadded input (negative = crop).
 */
export function readWindowPads(
  inSize: number,
  outSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padBefore: number,
): [number, number] {
  const span = (outSize - 1) * stride + (filterSize - 1) * dilation + 1;
  return [padBefore, span - padBefore - inSize];
}

/** `readWindowPads` for both spatial axes of a conv: `{ rows, cols }`. */
export function readWindowPads2d(g: ConvGeometry): {
  rows: [number, number];
  cols: [number, number];
} {
  return {
    rows: readWindowPads(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, g.dilationHeight, g.padTop),
    cols: readWindowPads(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft),
  };
}

/**
 * Pads that make a stride-1 conv of the zero-inserted dy (length outSize*stride) with the flipped filter
 * produce exactly inSize outputs: [before, after] (negative = crop).
 */
export function transposedConvPads(
  inSize: number,
  outSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padBefore: number,
): [number, number] {
  const before = (filterSize - 1) * dilation - padBefore;
  const after = inSize + padBefore - outSize * stride;
  return [before, after];
}

/** `transposedConvPads` for both spatial axes of a conv: `{ rows, cols }`. */
export function transposedConvPads2d(g: ConvGeometry): { rows: [number, number]; cols: [number, number] } {
  return {
    rows: transposedConvPads(
      g.inHeight,
      g.outHeight,
      g.filterHeight,
      g.strideHeight,
      g.dilationHeight,
      g.padTop,
    ),
    cols: transposedConvPads(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft),
  };
}
