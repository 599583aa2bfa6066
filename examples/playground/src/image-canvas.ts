// Grey-scale images on canvases: the gallery's digits and perturbations, the feature maps.

/**
 * A canvas showing `width x height` values starting at `offset`, mapped linearly from [lo, hi] to
 * black..white (values outside are clipped), drawn `scale` times larger with sharp pixels.
 */
export function grayCanvas(
  values: ArrayLike<number>,
  offset: number,
  width: number,
  height: number,
  range: [number, number],
  scale = 3,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width * scale}px`;
  canvas.style.height = `${height * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  const context = canvas.getContext('2d');
  if (context === null) return canvas;
  const image = context.createImageData(width, height);
  const [lo, hi] = range;
  const span = hi > lo ? hi - lo : 1;
  for (let i = 0; i < width * height; i++) {
    const v = Math.round((255 * (values[offset + i] - lo)) / span);
    const g = Math.max(0, Math.min(255, v));
    image.data.set([g, g, g, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

/** [min, max] of `count` values from `offset` (for feature maps drawn on their own scale). */
export function valueRange(values: ArrayLike<number>, offset: number, count: number): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = offset; i < offset + count; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return [lo, hi];
}
